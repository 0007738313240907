/**
 * Provider webhooks: /webhooks/:channel/:accountId. The body is kept as raw bytes because every
 * provider signs the exact bytes it sent; the receive use case (core/receive.ts) verifies them
 * before they are decoded and stores the events before we answer. GET is the providers' URL
 * verification (Meta's hub.challenge, WeChat's echostr).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorRegistry } from '../core/ports/channel.ts';
import type { Store } from '../core/ports/store.ts';
import {
  answerHandshake,
  type ConsentKeywords,
  findWebhookTarget,
  type ReceiveDeps,
  receiveWebhook,
  type WebhookTargetDeps,
} from '../core/receive.ts';

const Params = Type.Object({ channel: Type.String(), accountId: Type.String({ maxLength: 64 }) });

export const inboundWebhookRoutes: FastifyPluginAsync<{
  store: Store;
  connectors: ConnectorRegistry;
  /** Overrides the receipt race wait (tests). */
  receiptRaceMs?: number;
  /** Words that opt a person out of (stop) or back into (start) marketing on the channel. */
  keywords?: ConsentKeywords;
  /** The gateway's clock: session and reply windows are measured from what it records here. */
  now?: () => Date;
  /**
   * Production mode: a sandbox account's webhook does not exist, since anyone can sign with the
   * emulators' public secrets.
   */
  refuseSandboxAccounts?: boolean;
}> = async (
  app,
  { store, connectors, receiptRaceMs, keywords, now = () => new Date(), refuseSandboxAccounts },
) => {
  // Providers send JSON, XML (WeChat) or form bodies; every one is verified on its exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const targets: WebhookTargetDeps = {
    store,
    connectors,
    ...(refuseSandboxAccounts ? { refuseSandboxAccounts } : {}),
  };
  const receive: ReceiveDeps = {
    store,
    now,
    ...(keywords ? { keywords } : {}),
    ...(receiptRaceMs !== undefined ? { receiptRaceMs } : {}),
  };
  const target = (params: unknown) => {
    const { channel, accountId } = params as { channel: string; accountId: string };
    return findWebhookTarget(targets, channel, accountId);
  };

  app.get(
    '/webhooks/:channel/:accountId',
    {
      schema: {
        summary: "A provider's verification of the webhook URL (Meta hub.challenge, WeChat echostr)",
        tags: ['inbound'],
        params: Params,
      },
    },
    async (request, reply) => {
      const echo = answerHandshake(await target(request.params), stringQuery(request.query));
      return reply.code(200).type('text/plain; charset=utf-8').send(echo);
    },
  );

  app.post(
    '/webhooks/:channel/:accountId',
    {
      schema: {
        summary: "A provider's webhook for one channel account (signature-verified)",
        tags: ['inbound'],
        params: Params,
      },
    },
    async (request, reply) => {
      const found = await target(request.params);
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = await receiveWebhook(receive, found, {
        rawBody,
        headers: request.headers,
        query: stringQuery(request.query),
      });
      if (answer.kind === 'ack') return reply.code(200).type(answer.contentType).send(answer.body);
      return reply.code(200).send({ received: answer.received });
    },
  );
};

function stringQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}
