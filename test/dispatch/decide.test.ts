/**
 * The dispatcher's decisions, without I/O: each gate before the request and each answer after
 * it, as tables of facts and what the dispatcher must do with them.
 */
import { describe, expect, it } from 'vitest';
import type { MaybeSentPolicy, SendOutcome } from '../../src/core/vocabulary/channel.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '../../src/core/vocabulary/status.ts';
import {
  type AfterAnswer,
  type AnswerFacts,
  afterAnswer,
  asksBreaker,
  breakerReport,
  checkBreaker,
  checkChannel,
  checkJob,
  checkRate,
  checkSlot,
  checkTurn,
  claimRoom,
  holdAfterToken,
  retryOrGiveUp,
  waitForLimits,
} from '../../src/dispatch/decide.ts';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const MAX = 3;
/** With this backoff and a jitter of 0.5, attempt n waits min(6000, 2000 * 2^(n-1)) / 2 ms. */
const BACKOFF = { baseMs: 2_000, capMs: 6_000 };
const JITTER = 0.5;
const RATE = { perSecond: 10, burst: 10 };

describe('checkJob: the job and its message', () => {
  const pending: MessageStatus[] = ['accepted', 'queued', 'sending'];
  const finished = MESSAGE_STATUSES.filter((s) => !pending.includes(s));

  it.each(finished)('drops a job whose message is already %s', (status) => {
    expect(
      checkJob({ job: { attempts: 1, interrupted: false }, message: { status }, now: NOW, maxAttempts: MAX }),
    ).toEqual({ kind: 'drop' });
  });

  it('drops a job whose message is gone', () => {
    expect(
      checkJob({ job: { attempts: 1, interrupted: false }, message: undefined, now: NOW, maxAttempts: MAX }),
    ).toEqual({ kind: 'drop' });
  });

  const past = new Date(NOW - 1).toISOString();
  const atNow = new Date(NOW).toISOString();
  const future = new Date(NOW + 1).toISOString();
  const expire = { kind: 'expire', code: 'expired', reason: 'expiresAt passed before sending' };
  const exhausted = (attempts: number) => ({
    kind: 'give_up',
    code: 'attempts_exhausted',
    reason: `claimed ${attempts} times without a provider answer (interrupted attempts)`,
  });
  const exhaustedMaybeSent = (attempts: number) => ({
    kind: 'give_up',
    code: 'maybe_sent',
    reason: `claimed ${attempts} times without a provider answer (interrupted attempts); the last may have reached the provider`,
  });

  it.each([
    { status: 'queued', attempts: 1, interrupted: false, expiresAt: undefined, expected: undefined },
    { status: 'queued', attempts: MAX, interrupted: false, expiresAt: undefined, expected: undefined },
    { status: 'sending', attempts: MAX, interrupted: true, expiresAt: undefined, expected: undefined },
    {
      status: 'queued',
      attempts: MAX + 1,
      interrupted: false,
      expiresAt: undefined,
      expected: exhausted(MAX + 1),
    },
    {
      status: 'sending',
      attempts: MAX + 1,
      interrupted: true,
      expiresAt: undefined,
      expected: exhaustedMaybeSent(MAX + 1),
    },
    // The spent budget is told before the expiry.
    {
      status: 'queued',
      attempts: MAX + 2,
      interrupted: false,
      expiresAt: past,
      expected: exhausted(MAX + 2),
    },
    { status: 'queued', attempts: 1, interrupted: false, expiresAt: past, expected: expire },
    { status: 'queued', attempts: 1, interrupted: false, expiresAt: atNow, expected: expire },
    { status: 'sending', attempts: 2, interrupted: true, expiresAt: atNow, expected: expire },
    { status: 'queued', attempts: 1, interrupted: false, expiresAt: future, expected: undefined },
  ] as const)('$status, attempt $attempts, interrupted $interrupted, expiresAt $expiresAt', (row) => {
    expect(
      checkJob({
        job: { attempts: row.attempts, interrupted: row.interrupted },
        message: { status: row.status, expiresAt: row.expiresAt },
        now: NOW,
        maxAttempts: MAX,
      }),
    ).toEqual(row.expected);
  });
});

describe('checkChannel: the account and its channel', () => {
  const account = { id: 'ca_1', sandbox: false, maybeSentPolicy: undefined };
  const base = {
    job: { attempts: 1, interrupted: false },
    status: 'queued' as MessageStatus,
    maybeSentResends: 0,
    refuseSandboxAccounts: false,
  };

  it('fails a job whose account (or its channel) is gone, before anything else', () => {
    expect(
      checkChannel({
        ...base,
        job: { attempts: 2, interrupted: true },
        status: 'sending',
        account: undefined,
      }),
    ).toEqual({ kind: 'fail', code: 'channel_account_missing', reason: 'the channel account was removed' });
  });

  const sandboxRefused = {
    kind: 'fail',
    code: 'sandbox_account',
    reason: 'queued in sandbox mode through sandbox account ca_1, which production does not send through',
  };
  it.each([
    { sandbox: true, refuse: true, expected: sandboxRefused },
    { sandbox: true, refuse: false, expected: undefined },
    { sandbox: false, refuse: true, expected: undefined },
  ])('sandbox account $sandbox, production refusing $refuse', ({ sandbox, refuse, expected }) => {
    expect(
      checkChannel({ ...base, account: { ...account, sandbox }, refuseSandboxAccounts: refuse }),
    ).toEqual(expected);
  });

  it('refuses a sandbox account before it looks at an interrupted attempt', () => {
    expect(
      checkChannel({
        ...base,
        job: { attempts: 2, interrupted: true },
        status: 'sending',
        account: { ...account, sandbox: true },
        refuseSandboxAccounts: true,
      }),
    ).toMatchObject({ kind: 'fail', code: 'sandbox_account' });
  });

  it.each([
    { interrupted: true, status: 'queued' },
    { interrupted: false, status: 'sending' },
    { interrupted: false, status: 'queued' },
  ] as const)('sends on when interrupted $interrupted and $status', ({ interrupted, status }) => {
    expect(checkChannel({ ...base, job: { attempts: 2, interrupted }, status, account })).toBeUndefined();
  });

  const cutOff = 'an earlier attempt was cut off after its request may have reached the provider';
  const resend = (how: string) => ({
    kind: 'maybe_sent_resend',
    cause: 'interrupted',
    reason: `${cutOff}; resending (${how})`,
    lastError: cutOff,
  });
  const fail = (resent: string) => ({
    kind: 'maybe_sent_fail',
    reason: `${cutOff}; the provider may have the message, so it is not resent${resent}`,
  });

  it.each([
    { policy: 'resend', resends: 0, expected: resend('the provider deduplicates') },
    { policy: 'resend', resends: 3, expected: resend('the provider deduplicates') },
    { policy: 'resend_once', resends: 0, expected: resend('once at most') },
    { policy: 'resend_once', resends: 1, expected: fail('; already resent 1 time(s)') },
    { policy: undefined, resends: 0, expected: resend('once at most') },
    { policy: undefined, resends: 2, expected: fail('; already resent 2 time(s)') },
    { policy: 'fail', resends: 0, expected: fail('') },
    { policy: 'fail', resends: 1, expected: fail('; already resent 1 time(s)') },
  ] as const)(
    'an interrupted attempt under $policy after $resends resends',
    ({ policy, resends, expected }) => {
      expect(
        checkChannel({
          ...base,
          job: { attempts: 2, interrupted: true },
          status: 'sending',
          maybeSentResends: resends,
          account: { ...account, maybeSentPolicy: policy as MaybeSentPolicy | undefined },
        }),
      ).toEqual(expected);
    },
  );
});

describe('the delivery limits', () => {
  it.each([
    { jitter: 0, inMs: 1_000 },
    { jitter: 0.5, inMs: 1_500 },
    { jitter: 0.9999, inMs: 1_999 },
  ])('unreachable, with a jitter of $jitter: waits $inMs ms', ({ jitter, inMs }) => {
    expect(waitForLimits(NOW, jitter)).toEqual({ kind: 'wait', at: NOW + inMs });
  });

  it.each([
    { closedIn: 0, expected: undefined },
    { closedIn: 1, expected: { kind: 'wait', at: NOW + 1 } },
    { closedIn: 5_000, expected: { kind: 'wait', at: NOW + 5_000 } },
  ])('breaker closed in $closedIn ms', ({ closedIn, expected }) => {
    expect(checkBreaker(closedIn, NOW)).toEqual(expected);
  });

  it.each([
    { turnIn: 0, expected: undefined },
    { turnIn: 1_000, expected: undefined },
    { turnIn: 1_001, expected: { kind: 'wait', at: NOW + 1_001, keepTurnInMs: 1_001 } },
    { turnIn: 60_000, expected: { kind: 'wait', at: NOW + 60_000, keepTurnInMs: 60_000 } },
  ])("recipient's turn in $turnIn ms", ({ turnIn, expected }) => {
    expect(checkTurn(turnIn, NOW)).toEqual(expected);
  });

  it.each([
    { turn: 0, token: 0, paced: false, expected: undefined },
    { turn: 0, token: 0, paced: true, expected: undefined },
    { turn: 0, token: 400, paced: false, expected: { kind: 'pause', ms: 400 } },
    { turn: 700, token: 300, paced: true, expected: { kind: 'pause', ms: 700 } },
    { turn: 0, token: 1_000, paced: true, expected: { kind: 'pause', ms: 1_000 } },
    // A token further than the inline wait was never reserved (takeToken's maxWaitMs): none to give back.
    { turn: 0, token: 1_500, paced: false, expected: { kind: 'wait', at: NOW + 1_500 } },
    { turn: 0, token: 1_500, paced: true, expected: { kind: 'wait', at: NOW + 1_500, keepTurnInMs: 0 } },
    { turn: 800, token: 2_000, paced: true, expected: { kind: 'wait', at: NOW + 2_000, keepTurnInMs: 800 } },
    // The recipient's turn is far, the token near and reserved: it goes back.
    {
      turn: 1_500,
      token: 500,
      paced: true,
      expected: { kind: 'wait', at: NOW + 1_500, refundToken: RATE, keepTurnInMs: 1_500 },
    },
  ])('turn in $turn ms, token in $token ms, paced $paced', ({ turn, token, paced, expected }) => {
    expect(checkRate({ recipientWaitMs: turn, tokenWaitMs: token, paced, rate: RATE, now: NOW })).toEqual(
      expected,
    );
  });

  it.each([
    { slot: true, paced: true, expected: undefined },
    { slot: false, paced: false, expected: { kind: 'wait', at: NOW + 25, refundToken: RATE } },
    {
      slot: false,
      paced: true,
      expected: { kind: 'wait', at: NOW + 25, refundToken: RATE, keepTurnInMs: 0 },
    },
  ])('in-flight slot $slot, paced $paced', ({ slot, paced, expected }) => {
    expect(checkSlot({ slot, paced, rate: RATE, now: NOW })).toEqual(expected);
  });
});

describe('before the claim: what an account may have in hand', () => {
  it.each([
    { rate: { perSecond: 1, burst: 1 }, concurrency: undefined, room: 2 },
    { rate: { perSecond: 20, burst: 5 }, concurrency: undefined, room: 25 },
    { rate: { perSecond: 100, burst: 100 }, concurrency: 4, room: 4 },
    { rate: { perSecond: 0.1, burst: 1 }, concurrency: undefined, room: 1 },
    { rate: { perSecond: 100, burst: 100 }, concurrency: 0, room: 1 },
  ])('$rate.perSecond/s, burst $rate.burst, $concurrency slots: $room', ({ rate, concurrency, room }) => {
    expect(claimRoom(rate, concurrency)).toBe(room);
  });

  it.each([
    // The next token comes within the inline wait: claim as usual.
    { tokenWait: 0, rate: { perSecond: 1, burst: 1 }, until: undefined },
    { tokenWait: 0, rate: { perSecond: 100, burst: 100 }, until: undefined },
    { tokenWait: 500, rate: { perSecond: 10, burst: 10 }, until: undefined },
    // One a second, this token a second ahead: the next is two seconds out, held for one.
    { tokenWait: 1_000, rate: { perSecond: 1, burst: 1 }, until: NOW + 1_000 },
    // A token five seconds out was not reserved: it is the next, so held until a second before it.
    { tokenWait: 5_000, rate: { perSecond: 0.5, burst: 1 }, until: NOW + 4_000 },
  ])('token $tokenWait ms ahead at $rate.perSecond/s: held until $until', ({ tokenWait, rate, until }) => {
    expect(holdAfterToken(tokenWait, rate, NOW)).toBe(until);
  });
});

describe('afterAnswer: what is recorded of the provider answer', () => {
  const sent: SendOutcome = { kind: 'sent', providerMessageId: 'p1' };
  const sentNoId: SendOutcome = { kind: 'sent' };
  const permanent: SendOutcome = { kind: 'permanent', code: 'bad_recipient', reason: 'no such user' };
  const throttled: SendOutcome = {
    kind: 'rate_limited',
    retryAfterMs: 30_000,
    code: '429',
    reason: 'slow down',
  };
  const throttledNoWait: SendOutcome = { kind: 'rate_limited', code: '429', reason: 'slow down' };
  const transient: SendOutcome = { kind: 'transient', code: '503', reason: 'unavailable' };
  const unknown: SendOutcome = { kind: 'maybe_sent', code: 'timeout', reason: 'no answer' };

  it.each([
    ['sent', sent, 'succeeded', false],
    ['permanent', permanent, 'succeeded', false],
    ['rate_limited', throttled, 'succeeded', false],
    ['transient', transient, 'failed', true],
    ['maybe_sent', unknown, 'failed', false],
  ] as const)('%s: the breaker is told it %s; its state asked: %s', (_, outcome, report, asks) => {
    expect(breakerReport(outcome)).toBe(report);
    expect(asksBreaker(outcome)).toBe(asks);
  });

  const facts = (over: Partial<AnswerFacts> & Pick<AnswerFacts, 'outcome'>): AnswerFacts => ({
    attempts: 1,
    maxAttempts: MAX,
    backoff: BACKOFF,
    jitter: JITTER,
    breakerOpenForMs: 0,
    maybeSentPolicy: undefined,
    maybeSentResends: 0,
    ...over,
  });
  const retry = (inMs: number): AfterAnswer => ({
    kind: 'retry',
    code: '503',
    reason: `unavailable; retrying in ${inMs} ms`,
    inMs,
    lastError: 'unavailable',
  });
  const circuitOpen: AfterAnswer = {
    kind: 'wait',
    why: 'circuit_open',
    code: '503',
    reason: "unavailable; the provider account's circuit is open, waiting 5000 ms",
    inMs: 5_000,
    lastError: 'unavailable',
  };
  const resend = (how: string, retryInMs: number): AfterAnswer => ({
    kind: 'maybe_sent_resend',
    cause: 'timeout',
    reason: `no answer; resending (${how})`,
    lastError: 'no answer',
    retryInMs,
  });
  const notResent = (resent: string): AfterAnswer => ({
    kind: 'maybe_sent_fail',
    reason: `no answer; the provider may have the message, so it is not resent${resent}`,
  });
  const unknownGivenUp: AfterAnswer = {
    kind: 'give_up',
    code: 'maybe_sent',
    reason: `no answer (gave up after ${MAX} attempts; the last may have reached the provider)`,
  };

  type Row = {
    name: string;
    facts: Partial<AnswerFacts> & Pick<AnswerFacts, 'outcome'>;
    expected: AfterAnswer;
  };
  const rows: Row[] = [
    // Sent, whatever else holds.
    { name: 'sent', facts: { outcome: sent }, expected: { kind: 'sent', providerMessageId: 'p1' } },
    { name: 'sent without an id', facts: { outcome: sentNoId }, expected: { kind: 'sent' } },
    {
      name: 'sent on the last attempt',
      facts: { outcome: sent, attempts: MAX },
      expected: { kind: 'sent', providerMessageId: 'p1' },
    },
    // Permanent: failed at once, attempts left or not, breaker open or not.
    {
      name: 'permanent',
      facts: { outcome: permanent },
      expected: { kind: 'fail', code: 'bad_recipient', reason: 'no such user' },
    },
    {
      name: 'permanent, breaker open',
      facts: { outcome: permanent, breakerOpenForMs: 5_000 },
      expected: { kind: 'fail', code: 'bad_recipient', reason: 'no such user' },
    },
    // Throttled: waits without using an attempt, even on the last one.
    {
      name: 'throttled with a wait',
      facts: { outcome: throttled },
      expected: {
        kind: 'wait',
        why: 'rate_limited',
        code: '429',
        reason: 'rate limited; retrying in 30000 ms',
        inMs: 30_000,
      },
    },
    {
      name: 'throttled with a wait, last attempt',
      facts: { outcome: throttled, attempts: MAX },
      expected: {
        kind: 'wait',
        why: 'rate_limited',
        code: '429',
        reason: 'rate limited; retrying in 30000 ms',
        inMs: 30_000,
      },
    },
    {
      name: 'throttled without a wait: the backoff',
      facts: { outcome: throttledNoWait, attempts: 2 },
      expected: {
        kind: 'wait',
        why: 'rate_limited',
        code: '429',
        reason: 'rate limited; retrying in 2000 ms',
        inMs: 2_000,
      },
    },
    {
      name: 'throttled, breaker open: the breaker is not asked',
      facts: { outcome: throttled, breakerOpenForMs: 5_000 },
      expected: {
        kind: 'wait',
        why: 'rate_limited',
        code: '429',
        reason: 'rate limited; retrying in 30000 ms',
        inMs: 30_000,
      },
    },
    // Transient: retried while attempts are left, then given up; an open breaker wins over both.
    { name: 'transient, first attempt', facts: { outcome: transient }, expected: retry(1_000) },
    { name: 'transient, second attempt', facts: { outcome: transient, attempts: 2 }, expected: retry(2_000) },
    {
      name: 'transient, backoff capped',
      facts: { outcome: transient, attempts: 5, maxAttempts: 8 },
      expected: retry(3_000),
    },
    {
      name: 'transient, last attempt',
      facts: { outcome: transient, attempts: MAX },
      expected: { kind: 'give_up', code: '503', reason: `unavailable (gave up after ${MAX} attempts)` },
    },
    {
      name: 'transient, breaker open',
      facts: { outcome: transient, breakerOpenForMs: 5_000 },
      expected: circuitOpen,
    },
    {
      name: 'transient, breaker open, last attempt',
      facts: { outcome: transient, breakerOpenForMs: 5_000, attempts: MAX },
      expected: circuitOpen,
    },
    // Unknown outcome: the budget first, then the channel's maybe-sent policy.
    {
      name: 'maybe sent, resend, 0 resends',
      facts: { outcome: unknown, maybeSentPolicy: 'resend' },
      expected: resend('the provider deduplicates', 1_000),
    },
    {
      name: 'maybe sent, resend, 4 resends',
      facts: { outcome: unknown, maybeSentPolicy: 'resend', maybeSentResends: 4, attempts: 2 },
      expected: resend('the provider deduplicates', 2_000),
    },
    {
      name: 'maybe sent, resend, last attempt',
      facts: { outcome: unknown, maybeSentPolicy: 'resend', attempts: MAX },
      expected: unknownGivenUp,
    },
    {
      name: 'maybe sent, resend_once, 0 resends',
      facts: { outcome: unknown, maybeSentPolicy: 'resend_once' },
      expected: resend('once at most', 1_000),
    },
    {
      name: 'maybe sent, resend_once, 1 resend',
      facts: { outcome: unknown, maybeSentPolicy: 'resend_once', maybeSentResends: 1 },
      expected: notResent('; already resent 1 time(s)'),
    },
    {
      name: 'maybe sent, resend_once, last attempt',
      facts: { outcome: unknown, maybeSentPolicy: 'resend_once', attempts: MAX },
      expected: unknownGivenUp,
    },
    {
      name: 'maybe sent, default policy, 0 resends',
      facts: { outcome: unknown },
      expected: resend('once at most', 1_000),
    },
    {
      name: 'maybe sent, default policy, 1 resend',
      facts: { outcome: unknown, maybeSentResends: 1 },
      expected: notResent('; already resent 1 time(s)'),
    },
    {
      name: 'maybe sent, fail, 0 resends',
      facts: { outcome: unknown, maybeSentPolicy: 'fail' },
      expected: notResent(''),
    },
    {
      name: 'maybe sent, fail, last attempt',
      facts: { outcome: unknown, maybeSentPolicy: 'fail', attempts: MAX },
      expected: unknownGivenUp,
    },
    {
      name: 'maybe sent, breaker open: the policy decides, not the breaker',
      facts: { outcome: unknown, breakerOpenForMs: 5_000 },
      expected: resend('once at most', 1_000),
    },
  ];

  it.each(rows)('$name', ({ facts: over, expected }) => {
    expect(afterAnswer(facts(over))).toEqual(expected);
  });
});

describe('retryOrGiveUp: an attempt that threw', () => {
  it.each([
    {
      attempts: 1,
      expected: {
        kind: 'retry',
        code: 'internal_error',
        reason: 'internal error: boom; retrying in 1000 ms',
        inMs: 1_000,
        lastError: 'internal error: boom',
      },
    },
    {
      attempts: MAX,
      expected: {
        kind: 'give_up',
        code: 'internal_error',
        reason: `internal error: boom (gave up after ${MAX} attempts)`,
      },
    },
  ])('attempt $attempts', ({ attempts, expected }) => {
    expect(
      retryOrGiveUp(
        { attempts, maxAttempts: MAX, backoff: BACKOFF, jitter: JITTER },
        'internal_error',
        'internal error: boom',
      ),
    ).toEqual(expected);
  });
});
