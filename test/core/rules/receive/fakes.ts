/**
 * In-memory fakes of the receive use case's narrow ports: a store that records every call in
 * order and answers from plain maps, a channel whose signature is a header, and an account.
 */
import type { ChannelInbound } from '../../../../src/core/ports/channel.ts';
import type {
  ChannelAccountWithSecrets,
  InboundRecord,
  Transition,
} from '../../../../src/core/ports/store.ts';
import type { ReceiveStore } from '../../../../src/core/rules/receive/context.ts';
import type {
  InboundEvent,
  InboundRequest,
  NumberedChoice,
} from '../../../../src/core/vocabulary/channel.ts';

export interface Call {
  method: string;
  args: unknown[];
}

export interface FakeStore extends ReceiveStore {
  /** Every call, in the order it was issued. */
  readonly calls: Call[];
  /** Nonces claimed and not released, per account. */
  readonly nonces: Set<string>;
  /** Provider event id → when it was first stored. */
  readonly stored: Map<string, string>;
  /** Recipient → the numbered choices of the newest message to them. */
  readonly choices: Map<string, { messageId: string; choices: NumberedChoice[] }>;
  /** Provider message id → message id. */
  readonly providerIds: Map<string, string>;
  /** Recipient → the ids a watermark receipt covers. */
  readonly sentTo: Map<string, string[]>;
  readonly transitions: Transition[];
  methods(): string[];
}

export function fakeStore(): FakeStore {
  const calls: Call[] = [];
  const nonces = new Set<string>();
  const stored = new Map<string, string>();
  const choices = new Map<string, { messageId: string; choices: NumberedChoice[] }>();
  const providerIds = new Map<string, string>();
  const sentTo = new Map<string, string[]>();
  const transitions: Transition[] = [];
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  return {
    calls,
    nonces,
    stored,
    choices,
    providerIds,
    sentTo,
    transitions,
    methods: () => calls.map((c) => c.method),
    inbound: {
      async claimNonce(...args) {
        record('inbound.claimNonce', args);
        const [, accountId, nonce] = args;
        const key = `${accountId}/${nonce}`;
        if (nonces.has(key)) return false;
        nonces.add(key);
        return true;
      },
      async releaseNonce(...args) {
        record('inbound.releaseNonce', args);
        nonces.delete(`${args[1]}/${args[2]}`);
      },
      async insert(...args) {
        record('inbound.insert', args);
        const records: InboundRecord[] = args[1];
        return records.map((r) => {
          if (!r.providerEventId) return r.receivedAt;
          const first = stored.get(r.providerEventId) ?? r.receivedAt;
          stored.set(r.providerEventId, first);
          return first;
        });
      },
    },
    contacts: {
      async resolveInbound(...args) {
        record('contacts.resolveInbound', args);
        return `ct_${args[1].address}`;
      },
    },
    conversations: {
      async open(...args) {
        record('conversations.open', args);
        return `cv_${args[1].address}`;
      },
    },
    policy: {
      async setConsent(...args) {
        record('policy.setConsent', args);
      },
    },
    messages: {
      async latestChoices(...args) {
        record('messages.latestChoices', args);
        return choices.get(args[2]);
      },
      async findIdByProviderMessageId(...args) {
        record('messages.findIdByProviderMessageId', args);
        return providerIds.get(args[2]);
      },
      async findSentTo(...args) {
        record('messages.findSentTo', args);
        return sentTo.get(args[2]) ?? [];
      },
      async transition(...args) {
        record('messages.transition', args);
        transitions.push(args[1]);
        return { applied: true, status: args[1].status };
      },
    },
  };
}

export const ACCOUNT: ChannelAccountWithSecrets = {
  id: 'ca_1',
  tenantId: 'tn_1',
  channel: 'fake',
  name: 'fake account',
  sandbox: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  credentials: { secret: 's3cret' },
};

/**
 * A channel whose signature is the header `x-signature: <secret>`, whose body is JSON holding
 * `{ events }` already in canonical form (dates as ISO strings), and nothing optional unless given.
 */
export function fakeChannel(extra: Partial<ChannelInbound> = {}): ChannelInbound {
  return {
    verifyInbound: (request, credentials) => request.headers['x-signature'] === credentials.secret,
    parseInbound: (body) =>
      ((body as { events?: Array<Record<string, unknown>> }).events ?? []).map(
        (e) =>
          ({
            ...e,
            occurredAt: new Date(String(e.occurredAt ?? '2026-03-01T10:00:00.000Z')),
            ...(e.watermark ? { watermark: new Date(String(e.watermark)) } : {}),
          }) as unknown as InboundEvent,
      ),
    ...extra,
  };
}

export function signedRequest(body: unknown, query: Record<string, string> = {}): InboundRequest {
  return {
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    headers: { 'x-signature': 's3cret' },
    query,
  };
}

export const at = (iso: string) => new Date(iso);

export function message(from: string, text: string, extra: Record<string, unknown> = {}): InboundEvent {
  return {
    kind: 'message',
    from,
    text,
    contentType: 'text',
    occurredAt: at('2026-03-01T10:00:00Z'),
    ...extra,
  };
}
