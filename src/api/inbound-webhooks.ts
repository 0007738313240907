/**
 * Provider webhooks: POST /webhooks/:channel/:accountId. The body is kept as raw bytes because
 * every provider signs the exact bytes it sent; it is verified before it is parsed. Events are
 * stored (deduplicated by provider event id) before we answer 200, and receipts move the status of
 * the message they name forward.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorRegistry } from '../channels/registry.ts';
import { AppError } from '../core/errors.ts';
import type { Store } from '../store/types.ts';

export const inboundWebhookRoutes: FastifyPluginAsync<{
  store: Store;
  connectors: ConnectorRegistry;
}> = async (app, { store, connectors }) => {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(
    '/webhooks/:channel/:accountId',
    {
      schema: {
        summary: "A provider's webhook for one channel account (signature-verified)",
        tags: ['inbound'],
        params: Type.Object({ channel: Type.String(), accountId: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const { channel, accountId } = request.params as { channel: string; accountId: string };
      const connector = connectors[channel];
      const account = connector ? await store.channelAccounts.findForWebhook(accountId) : undefined;
      if (!connector || !account || account.channel !== channel) {
        throw new AppError('GW_NOT_FOUND', 'No such webhook');
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!connector.verifyInbound({ rawBody, headers: request.headers }, account.credentials)) {
        throw new AppError('GW_UNAUTHORIZED', 'The webhook signature does not match');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new AppError('GW_INVALID_JSON', 'The webhook body is not JSON');
      }
      const events = connector.parseInbound(parsed);
      const receivedAt = new Date().toISOString();
      await store.inbound.insert(
        account.tenantId,
        events.map((e) => ({
          channelAccountId: account.id,
          kind: e.kind,
          event: e,
          receivedAt,
          ...(e.providerEventId ? { providerEventId: e.providerEventId } : {}),
          ...('from' in e && e.from ? { from: e.from } : {}),
        })),
      );
      for (const e of events) {
        if (e.kind !== 'status') continue;
        const message = await store.messages.findByProviderMessageId(
          account.tenantId,
          account.id,
          e.providerMessageId,
        );
        if (!message) continue;
        await store.messages.transition(account.tenantId, {
          messageId: message.id,
          status: e.status,
          at: e.occurredAt.toISOString(),
          ...(e.reason ? { reason: e.reason } : {}),
          detail: { source: 'provider_receipt' },
        });
      }
      return reply.code(200).send({ received: events.length });
    },
  );
};
