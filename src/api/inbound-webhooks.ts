/**
 * Provider webhooks: /webhooks/:channel/:accountId. The body is kept as raw bytes because every
 * provider signs the exact bytes it sent; it is verified before it is decoded. Events are stored
 * (deduplicated by provider event id) before we answer, and receipts move the status of the
 * messages they name forward. GET is the providers' URL verification (Meta's hub.challenge,
 * WeChat's echostr).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ChannelConnector, ConnectorRegistry } from '../core/ports/channel.ts';
import type { ChannelAccountWithSecrets, Store } from '../core/ports/store.ts';
import type { InboundEvent, InboundRequest } from '../core/vocabulary/channel.ts';
import { AppError, validationError } from '../core/vocabulary/errors.ts';
import { unsafeInput } from '../lib/unsafe-input.ts';
import { newId } from '../lib/ids.ts';

const Params = Type.Object({ channel: Type.String(), accountId: Type.String({ maxLength: 64 }) });

/**
 * A receipt can overtake the commit of the send it reports (the provider answers the send and
 * fires the webhook at once). Waiting this long for the message to appear covers that race.
 */
const RECEIPT_RACE_MS = 2_000;
const RECEIPT_POLL_MS = 50;

/**
 * A signed timestamp further than this from our clock, either way, is refused, and a nonce is
 * remembered this long past its timestamp: a captured request cannot be played again.
 */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export const inboundWebhookRoutes: FastifyPluginAsync<{
  store: Store;
  connectors: ConnectorRegistry;
  /** Overrides RECEIPT_RACE_MS (tests). */
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
  {
    store,
    connectors,
    receiptRaceMs = RECEIPT_RACE_MS,
    keywords = DEFAULT_KEYWORDS,
    now = () => new Date(),
    refuseSandboxAccounts = false,
  },
) => {
  // Providers send JSON, XML (WeChat) or form bodies; every one is verified on its exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A request that fails after claiming its nonce stored nothing: the provider's retry of it,
  // which may carry the same nonce, must not be refused as a replay.
  const claimedNonces = new WeakMap<FastifyRequest, () => Promise<void>>();
  app.addHook('onError', async (request) => {
    await claimedNonces
      .get(request)?.()
      .catch(() => undefined);
  });

  /** Refuses a request whose signed timestamp is outside the window or whose nonce was seen. */
  async function refuseReplay(
    request: FastifyRequest,
    connector: ChannelConnector,
    account: ChannelAccountWithSecrets,
    inbound: InboundRequest,
  ): Promise<void> {
    if (!connector.signedFreshness) return;
    const signed = connector.signedFreshness(inbound);
    if (!signed) throw new AppError('GW_UNAUTHORIZED', 'The webhook carries no signed timestamp and nonce');
    const nowMs = now().getTime();
    const signedAtMs = signed.signedAt * 1000;
    if (Math.abs(nowMs - signedAtMs) > REPLAY_WINDOW_MS) {
      throw new AppError('GW_UNAUTHORIZED', 'The webhook signature is dated outside the 5-minute window');
    }
    // A replay repeats both (they are signed); the timestamp keeps two pushes that draw the same
    // nonce in different seconds apart.
    const nonce = `${signed.signedAt}:${signed.nonce}`;
    const expiresAt = new Date(signedAtMs + REPLAY_WINDOW_MS).toISOString();
    const fresh = await store.inbound.claimNonce(
      account.tenantId,
      account.id,
      nonce,
      expiresAt,
      new Date(nowMs).toISOString(),
    );
    if (!fresh) throw new AppError('GW_UNAUTHORIZED', 'The webhook was received before (its nonce is used)');
    claimedNonces.set(request, () => store.inbound.releaseNonce(account.tenantId, account.id, nonce));
  }

  async function resolve(
    params: unknown,
  ): Promise<{ connector: ChannelConnector; account: ChannelAccountWithSecrets }> {
    const { channel, accountId } = params as { channel: string; accountId: string };
    const connector = connectors[channel];
    const account = connector ? await store.channelAccounts.findForWebhook(accountId) : undefined;
    if (!connector || !account || account.channel !== channel || (account.sandbox && refuseSandboxAccounts)) {
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
      const inbound = { rawBody, headers: request.headers, query };
      // An encrypted body that will not open is as unsigned as a bad signature, and answered alike.
      const verified = connector.verifyInbound(inbound, account.credentials);
      const opened = !verified
        ? undefined
        : connector.openInbound
          ? connector.openInbound(inbound, account.credentials)
          : rawBody;
      if (opened === undefined) {
        throw new AppError('GW_UNAUTHORIZED', 'The webhook signature does not match');
      }
      await refuseReplay(request, connector, account, inbound);
      let decoded: unknown;
      try {
        decoded = connector.decodeInbound
          ? connector.decodeInbound(opened)
          : JSON.parse(opened.toString('utf8'));
      } catch {
        throw new AppError('GW_INVALID_JSON', 'The webhook body cannot be decoded');
      }
      // A signed body is still bounded: what nests too deep or holds a NUL cannot be stored.
      const unsafe = unsafeInput(decoded);
      if (unsafe) {
        throw validationError([{ pointer: unsafe.pointer, rule: unsafe.rule, detail: unsafe.message }]);
      }
      const events = connector.parseInbound(decoded);
      events.push(...(await mapNumberedReplies(store, account, events)));
      const receivedAt = now().toISOString();
      // Whoever writes in is a contact: known by this identity, or new. Each sender's first event
      // opens their conversation.
      const firstBySender = new Map<string, Extract<InboundEvent, { kind: 'message' | 'postback' }>>();
      for (const e of events) {
        if ((e.kind === 'message' || e.kind === 'postback') && !firstBySender.has(e.from))
          firstBySender.set(e.from, e);
      }
      const identityOf = (address: string) => ({
        channel: account.channel,
        channelAccountId: account.id,
        address,
      });
      // Issued together, so each step's writes share one group commit.
      const contactIds = new Map(
        await Promise.all(
          [...firstBySender.keys()].map(
            async (from) =>
              [
                from,
                await store.contacts.resolveInbound(
                  account.tenantId,
                  identityOf(from),
                  newId('ct'),
                  receivedAt,
                ),
              ] as const,
          ),
        ),
      );
      const follow: Array<Promise<unknown>> = [];
      for (const from of firstBySender.keys()) {
        const contactId = contactIds.get(from) as string;
        // ... in a conversation on this account, opened by the first message, kept fresh by each.
        follow.push(
          store.conversations.open(
            account.tenantId,
            { ...identityOf(from), contactId },
            newId('cv'),
            receivedAt,
            true,
          ),
        );
      }
      const stored = store.inbound.insert(
        account.tenantId,
        events.map((e) => ({
          channelAccountId: account.id,
          kind: e.kind,
          event:
            'from' in e && e.from && contactIds.has(e.from) ? { ...e, contactId: contactIds.get(e.from) } : e,
          receivedAt,
          ...(e.providerEventId ? { providerEventId: e.providerEventId } : {}),
          ...('from' in e && e.from ? { from: e.from } : {}),
          ...('replyToken' in e && e.replyToken ? { replyToken: e.replyToken } : {}),
        })),
      );
      const [firstStoredAt] = await Promise.all([stored, ...follow]);
      await applyKeywords(store, account, events, receivedAt, firstStoredAt, keywords, contactIds);
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

/**
 * A message that is just a stop or start word changes the person's marketing consent on the
 * channel; a sender's latest such word is their choice, dated when it was first stored. A
 * redelivery therefore counts (our earlier answer may have failed after storing the event, so its
 * STOP was never applied), but only over consents older than it: an old START redelivered after
 * a later STOP must not opt the person back in. A word first received now is the newest thing the
 * person said and applies whatever the stored consent's date: another process's clock running a
 * little ahead must not swallow a STOP.
 */
async function applyKeywords(
  store: Store,
  account: ChannelAccountWithSecrets,
  events: readonly InboundEvent[],
  receivedAt: string,
  firstStoredAt: readonly string[],
  keywords: ConsentKeywords,
  contactIds: ReadonlyMap<string, string>,
): Promise<void> {
  const choiceBySender = new Map<string, { status: 'opted_in' | 'opted_out'; at: string }>();
  events.forEach((e, i) => {
    if (e.kind !== 'message' || e.text === undefined) return;
    const status = keywordChoice(e.text, keywords);
    const at = firstStoredAt[i]!;
    const earlier = choiceBySender.get(e.from);
    if (status && (!earlier || earlier.at <= at)) choiceBySender.set(e.from, { status, at });
  });
  await Promise.all(
    [...choiceBySender].map(([from, { status, at }]) =>
      store.policy.setConsent(
        account.tenantId,
        contactIds.get(from) as string,
        { channel: account.channel, purpose: 'marketing', status, source: 'keyword', updatedAt: at },
        { unlessNewer: at !== receivedAt },
      ),
    ),
  );
}

/** The consent a message's text asks for, if it is a stop or start word. */
function keywordChoice(text: string, keywords: ConsentKeywords): 'opted_in' | 'opted_out' | undefined {
  const word = text.trim().toUpperCase();
  if (keywords.stop.some((w) => w.toUpperCase() === word)) return 'opted_out';
  if (keywords.start.some((w) => w.toUpperCase() === word)) return 'opted_in';
  return undefined;
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
    const messageId = await waitFor(raceMs, () =>
      store.messages.findIdByProviderMessageId(account.tenantId, account.id, e.providerMessageId),
    );
    if (!messageId) return;
    await moveForward(store, account.tenantId, messageId, e.status, e.occurredAt, {
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
    await Promise.all(
      ids.map((messageId) =>
        moveForward(store, account.tenantId, messageId, e.status, e.occurredAt, {
          detail: { ...detail, watermark: e.watermark.toISOString() },
        }),
      ),
    );
  }
}

/**
 * Applies a receipt's status. A read message was delivered: when `read` comes first (receipts
 * race, or a provider reports only reads), `delivered` is recorded with it, so every read message
 * has both events and callbacks (a no-op when it is delivered already). Both are issued in the
 * same turn, in order, so they share one group commit.
 */
function moveForward(
  store: Store,
  tenantId: string,
  messageId: string,
  status: 'delivered' | 'read' | 'failed',
  at: Date,
  extra: { reason?: string; detail: Record<string, unknown> },
): Promise<unknown> {
  const iso = at.toISOString();
  return Promise.all([
    status === 'read'
      ? store.messages.transition(tenantId, {
          messageId,
          status: 'delivered',
          at: iso,
          detail: { source: 'provider_receipt', impliedBy: 'read' },
        })
      : undefined,
    store.messages.transition(tenantId, { messageId, status, at: iso, ...extra }),
  ]);
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
    // Up to five digits: a list may have 100 sections of 100 rows, all numbered when sent as text.
    const typed = /^\s*(\d{1,5})\s*[.)]?\s*$/.exec(e.text);
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
