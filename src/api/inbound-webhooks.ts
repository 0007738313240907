/**
 * Provider webhooks: /webhooks/:channel/:accountId. The body is kept as raw bytes because every
 * provider signs the exact bytes it sent; it is verified before it is decoded. Events are stored
 * (deduplicated by provider event id) before we answer, and receipts move the status of the
 * messages they name forward. GET is the providers' URL verification (Meta's hub.challenge,
 * WeChat's echostr).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { ChannelConnector, InboundEvent } from '../channels/types.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../lib/ids.ts';
import type { ChannelAccountWithSecrets, Store } from '../store/types.ts';

const Params = Type.Object({ channel: Type.String(), accountId: Type.String({ maxLength: 64 }) });

/**
 * A receipt can overtake the commit of the send it reports (the provider answers the send and
 * fires the webhook at once). Waiting this long for the message to appear covers that race.
 */
const RECEIPT_RACE_MS = 2_000;
const RECEIPT_POLL_MS = 50;

export const inboundWebhookRoutes: FastifyPluginAsync<{
  store: Store;
  connectors: ConnectorRegistry;
  /** Overrides RECEIPT_RACE_MS (tests). */
  receiptRaceMs?: number;
  /** Words that opt a person out of (stop) or back into (start) marketing on the channel. */
  keywords?: ConsentKeywords;
}> = async (app, { store, connectors, receiptRaceMs = RECEIPT_RACE_MS, keywords = DEFAULT_KEYWORDS }) => {
  // Providers send JSON, XML (WeChat) or form bodies; every one is verified on its exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  async function resolve(
    params: unknown,
  ): Promise<{ connector: ChannelConnector; account: ChannelAccountWithSecrets }> {
    const { channel, accountId } = params as { channel: string; accountId: string };
    const connector = connectors[channel];
    const account = connector ? await store.channelAccounts.findForWebhook(accountId) : undefined;
    if (!connector || !account || account.channel !== channel) {
      throw new AppError('GW_NOT_FOUND', 'No such webhook');
    }
    return { connector, account };
  }

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
      const { connector, account } = await resolve(request.params);
      const echo = connector.handshake?.(stringQuery(request.query), account.credentials);
      if (echo === undefined)
        throw new AppError(
          'GW_WEBHOOK_VERIFICATION',
          'The verify token or signature of the handshake does not match',
        );
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
      const { connector, account } = await resolve(request.params);
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const query = stringQuery(request.query);
      if (!connector.verifyInbound({ rawBody, headers: request.headers, query }, account.credentials)) {
        throw new AppError('GW_UNAUTHORIZED', 'The webhook signature does not match');
      }
      let decoded: unknown;
      try {
        decoded = connector.decodeInbound
          ? connector.decodeInbound(rawBody)
          : JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new AppError('GW_INVALID_JSON', 'The webhook body cannot be decoded');
      }
      const events = connector.parseInbound(decoded);
      events.push(...(await mapNumberedReplies(store, account, events)));
      const receivedAt = new Date().toISOString();
      // Whoever writes in is a contact: known by this identity, or new.
      const contactIds = new Map<string, string>();
      for (const e of events) {
        if ((e.kind !== 'message' && e.kind !== 'postback') || contactIds.has(e.from)) continue;
        const identity = { channel: account.channel, channelAccountId: account.id, address: e.from };
        const contactId = await store.contacts.resolveInbound(
          account.tenantId,
          identity,
          newId('ct'),
          receivedAt,
        );
        contactIds.set(e.from, contactId);
        if (e.kind === 'message' && e.text !== undefined) {
          await applyKeyword(
            store,
            account.tenantId,
            contactId,
            account.channel,
            e.text,
            keywords,
            receivedAt,
          );
        }
        // ... in a conversation on this account, opened by the first message, kept fresh by each.
        await store.conversations.open(
          account.tenantId,
          { ...identity, contactId },
          newId('cv'),
          receivedAt,
          true,
        );
      }
      await store.inbound.insert(
        account.tenantId,
        events.map((e) => ({
          channelAccountId: account.id,
          kind: e.kind,
          event:
            'from' in e && e.from && contactIds.has(e.from) ? { ...e, contactId: contactIds.get(e.from) } : e,
          receivedAt,
          ...(e.providerEventId ? { providerEventId: e.providerEventId } : {}),
          ...('from' in e && e.from ? { from: e.from } : {}),
        })),
      );
      for (const e of events) await applyReceipt(store, account, e, receiptRaceMs);
      if (connector.inboundAck) {
        return reply.code(200).type(connector.inboundAck.contentType).send(connector.inboundAck.body);
      }
      return reply.code(200).send({ received: events.length });
    },
  );
};

export interface ConsentKeywords {
  stop: string[];
  start: string[];
}

/** STOP and START as carriers use them, and their forms in the seeds' markets (Thai, Indonesian, ...). */
export const DEFAULT_KEYWORDS: ConsentKeywords = {
  stop: [
    'STOP',
    'STOPALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'หยุด',
    'ยกเลิก',
    'BERHENTI',
    'ARRET',
    'ARRÊT',
    'ALTO',
    'STOPP',
  ],
  start: ['START', 'UNSTOP', 'SUBSCRIBE', 'YES', 'เริ่ม', 'MULAI'],
};

/** A message that is just a stop or start word changes the person's marketing consent on the channel. */
async function applyKeyword(
  store: Store,
  tenantId: string,
  contactId: string,
  channel: string,
  text: string,
  keywords: ConsentKeywords,
  at: string,
): Promise<void> {
  const word = text.trim().toUpperCase();
  const status = keywords.stop.some((w) => w.toUpperCase() === word)
    ? 'opted_out'
    : keywords.start.some((w) => w.toUpperCase() === word)
      ? 'opted_in'
      : undefined;
  if (!status) return;
  await store.policy.setConsent(tenantId, contactId, {
    channel,
    purpose: 'marketing',
    status,
    source: 'keyword',
    updatedAt: at,
  });
}

function stringQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Moves the messages a receipt names forward; the store ignores anything that is not forward. */
async function applyReceipt(
  store: Store,
  account: ChannelAccountWithSecrets,
  e: InboundEvent,
  raceMs: number,
): Promise<void> {
  const detail = { source: 'provider_receipt' };
  if (e.kind === 'status') {
    const message = await waitFor(raceMs, () =>
      store.messages.findByProviderMessageId(account.tenantId, account.id, e.providerMessageId),
    );
    if (!message) return;
    await impliedDelivery(store, account.tenantId, message.id, e.status, e.occurredAt);
    await store.messages.transition(account.tenantId, {
      messageId: message.id,
      status: e.status,
      at: e.occurredAt.toISOString(),
      ...(e.reason ? { reason: e.reason } : {}),
      detail,
    });
  } else if (e.kind === 'status_watermark') {
    const ids = await store.messages.findSentTo(
      account.tenantId,
      account.id,
      e.recipient,
      e.watermark.toISOString(),
    );
    for (const messageId of ids) {
      await impliedDelivery(store, account.tenantId, messageId, e.status, e.occurredAt);
      await store.messages.transition(account.tenantId, {
        messageId,
        status: e.status,
        at: e.occurredAt.toISOString(),
        detail: { ...detail, watermark: e.watermark.toISOString() },
      });
    }
  }
}

/**
 * A read message was delivered: when `read` comes first (receipts race, or a provider reports
 * only reads), `delivered` is recorded with it, so every read message has both events and
 * callbacks. A no-op when the message is already delivered.
 */
async function impliedDelivery(
  store: Store,
  tenantId: string,
  messageId: string,
  status: string,
  at: Date,
): Promise<void> {
  if (status !== 'read') return;
  await store.messages.transition(tenantId, {
    messageId,
    status: 'delivered',
    at: at.toISOString(),
    detail: { source: 'provider_receipt', impliedBy: 'read' },
  });
}

async function waitFor<T>(limitMs: number, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const until = Date.now() + limitMs;
  for (;;) {
    const found = await read();
    if (found !== undefined || Date.now() >= until) return found;
    await new Promise((r) => setTimeout(r, RECEIPT_POLL_MS));
  }
}

/**
 * A person answering a numbered choice (a carousel or list the channel showed as text) by typing
 * its number gets the postback of that choice, as if they had tapped a button.
 */
async function mapNumberedReplies(
  store: Store,
  account: ChannelAccountWithSecrets,
  events: InboundEvent[],
): Promise<InboundEvent[]> {
  const mapped: InboundEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'message' || e.text === undefined) continue;
    const typed = /^\s*(\d{1,3})\s*[.)]?\s*$/.exec(e.text);
    if (!typed) continue;
    const latest = await store.messages.latestChoices(account.tenantId, account.id, e.from);
    const choice = latest?.choices.find((c) => c.number === Number(typed[1]));
    if (!latest || !choice) continue;
    mapped.push({
      kind: 'postback',
      from: e.from,
      payload: choice.payload,
      occurredAt: e.occurredAt,
      ...(e.providerEventId ? { providerEventId: `${e.providerEventId}#choice` } : {}),
      ...(e.replyToken ? { replyToken: e.replyToken } : {}),
      choice: { messageId: latest.messageId, number: choice.number, text: e.text },
    });
  }
  return mapped;
}
