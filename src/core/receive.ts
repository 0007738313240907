/**
 * Receiving a provider webhook: the request is verified, checked for freshness, decoded and parsed
 * by the channel (rules/receive READ), then its events are recorded: contacts, conversations,
 * the events themselves (deduplicated by provider event id), consent keywords and receipts
 * (rules/receive RECORD). Everything is stored before the provider is answered. A refusal is an
 * AppError, which the HTTP layer answers as a problem like any other.
 */
import type { ChannelInbound } from './ports/channel.ts';
import type { ChannelAccountRepository, ChannelAccountWithSecrets } from './ports/store.ts';
import {
  type ConsentKeywords,
  DEFAULT_KEYWORDS,
  READ,
  RECEIPT_RACE_MS,
  RECORD,
  type Reading,
  type ReceiveStage,
  type ReceiveStore,
  type Recording,
} from './rules/receive/index.ts';
import type { InboundRequest } from './vocabulary/channel.ts';
import { AppError } from './vocabulary/errors.ts';

export type { ConsentKeywords } from './rules/receive/index.ts';

/** A webhook URL's channel and account: whose webhook it is. */
export interface WebhookTarget {
  connector: ChannelInbound;
  account: ChannelAccountWithSecrets;
}

export interface WebhookTargetDeps {
  store: { readonly channelAccounts: Pick<ChannelAccountRepository, 'findForWebhook'> };
  connectors: Readonly<Record<string, ChannelInbound>>;
  /**
   * Production mode: a sandbox account's webhook does not exist, since anyone can sign with the
   * emulators' public secrets.
   */
  refuseSandboxAccounts?: boolean;
}

/** The channel and account of /webhooks/:channel/:accountId, or a 404 naming neither. */
export async function findWebhookTarget(
  deps: WebhookTargetDeps,
  channel: string,
  accountId: string,
): Promise<WebhookTarget> {
  const connector = deps.connectors[channel];
  const account = connector ? await deps.store.channelAccounts.findForWebhook(accountId) : undefined;
  if (
    !connector ||
    !account ||
    account.channel !== channel ||
    (account.sandbox && deps.refuseSandboxAccounts)
  ) {
    throw new AppError('GW_NOT_FOUND', 'No such webhook');
  }
  return { connector, account };
}

/** The provider's verification of the webhook URL (Meta's hub.challenge, WeChat's echostr): the echo. */
export function answerHandshake(
  { connector, account }: WebhookTarget,
  query: Record<string, string>,
): string {
  const echo = connector.handshake?.(query, account.credentials);
  if (echo === undefined)
    throw new AppError(
      'GW_WEBHOOK_VERIFICATION',
      'The verify token or signature of the handshake does not match',
    );
  return echo;
}

export interface ReceiveDeps {
  store: ReceiveStore;
  /** The gateway's clock: session and reply windows are measured from what it records here. */
  now: () => Date;
  /** Words that opt a person out of (stop) or back into (start) marketing. Omitted: the defaults. */
  keywords?: ConsentKeywords;
  /** Overrides RECEIPT_RACE_MS (tests). */
  receiptRaceMs?: number;
}

/** What the provider is answered with a 200: the channel's own acknowledgement, or a count. */
export type WebhookAnswer =
  | { kind: 'ack'; contentType: string; body: string }
  | { kind: 'received'; received: number };

export async function receiveWebhook(
  deps: ReceiveDeps,
  { connector, account }: WebhookTarget,
  request: InboundRequest,
): Promise<WebhookAnswer> {
  const reading: Reading = {
    channel: connector,
    account,
    request,
    store: deps.store,
    now: deps.now,
    body: request.rawBody,
    decoded: undefined,
    events: [],
  };
  try {
    await run(READ, reading);
    const recording: Recording = {
      account,
      store: deps.store,
      events: reading.events,
      receivedAt: deps.now().toISOString(),
      keywords: deps.keywords ?? DEFAULT_KEYWORDS,
      receiptRaceMs: deps.receiptRaceMs ?? RECEIPT_RACE_MS,
      contactIds: new Map(),
      firstStoredAt: [],
    };
    await run(RECORD, recording);
  } catch (error) {
    await reading.releaseNonce?.().catch(() => undefined);
    throw error;
  }
  return connector.inboundAck
    ? { kind: 'ack', ...connector.inboundAck }
    : { kind: 'received', received: reading.events.length };
}

/** Runs stages in order; a group's steps are started together and awaited together. */
async function run<C>(stages: readonly ReceiveStage<C>[], context: C): Promise<void> {
  for (const stage of stages) {
    if (typeof stage === 'function') await stage(context);
    else await Promise.all(stage.map((step) => step(context)));
  }
}
