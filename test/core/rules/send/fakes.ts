/**
 * Plain in-memory stand-ins for what a send rule sees: a channel that carries every kind and
 * accepts every address unless a test says otherwise, a send, and a context around them.
 */
import type {
  Decided,
  RuleChannel,
  RuleContext,
  SendUnderCheck,
} from '../../../../src/core/rules/send/rule.ts';
import { undecided } from '../../../../src/core/rules/send/run.ts';
import type { Capability } from '../../../../src/core/vocabulary/channel.ts';
import { MESSAGE_KINDS, type MessageKind } from '../../../../src/core/vocabulary/message.ts';

export const NOW = new Date('2026-03-01T12:00:00.000Z');

export function fakeChannel(overrides: Partial<RuleChannel> = {}): RuleChannel {
  const capabilities = Object.fromEntries(
    MESSAGE_KINDS.map((kind) => [kind, { support: 'native' } as Capability]),
  ) as Record<MessageKind, Capability>;
  return {
    name: 'fake',
    displayName: 'Fake',
    capabilities,
    limits: [],
    checkRecipient: () => undefined,
    check: () => [],
    ...overrides,
  };
}

export function fakeSend(overrides: Partial<SendUnderCheck> = {}): SendUnderCheck {
  const to = overrides.to ?? '100';
  return {
    channel: 'fake',
    to,
    recipients: Array.isArray(to) ? to : [to],
    message: { type: 'text', text: 'hello' },
    tenantId: 'ten_1',
    accountId: 'acc_1',
    force: false,
    ...overrides,
  };
}

/** What the rules decided before the one under test: nothing, unless a test says so. */
export function decided(send: SendUnderCheck, overrides: Partial<Decided> = {}): Decided {
  return { ...undecided(send), ...overrides };
}

export function context<P>(
  port: P,
  {
    send = fakeSend(),
    channel = fakeChannel(),
    now = NOW,
    before,
  }: { send?: SendUnderCheck; channel?: RuleChannel; now?: Date; before?: Partial<Decided> } = {},
): RuleContext<SendUnderCheck, P> {
  return { send, channel, port, decided: decided(send, before), now: () => now };
}
