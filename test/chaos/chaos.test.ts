/**
 * Fault injection: thousands of messages through the strict emulators of every channel in chaos
 * mode (throttling with wait hints, server errors, slow answers, connection resets, a garbled 2xx
 * and a proxy's 502 after the provider took the message, duplicated and reordered receipts).
 * Every message must end sent (or further) or failed with a reason, no throttle may cost an
 * attempt, the rate limits must hold as measured at the emulator, no status may go backwards, and
 * a person may get a message twice only where the channel's maybe-sent policy allows it, each
 * time counted on the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForward, type MessageStatus } from '../../src/core/vocabulary/status.ts';
import { maybeSentCounters } from '../../src/dispatch/maybe-sent.ts';
import { NO_CHAOS, sandboxChaos } from '../../src/sandbox/chaos.ts';
import { SANDBOX_RECIPIENTS } from '../../src/sandbox/sample-recipients.ts';
import type { RecordedRequest } from '../../src/sandbox/types.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

// Every channel, sized for two shared CI cores: ~2,100 messages.
const PER_CHANNEL = Number(process.env.CHAOS_PER_CHANNEL ?? 300);
const RATE = 400;
const CHAOS =
  'throttle=0.05,error=0.05,slow=0.05,slowMs=150,reset=0.01,garbled=0.03,badGateway=0.03,' +
  'duplicate=0.2,reorder=0.3,reorderMs=100,seed=7';

/** Channels with and without receipts: the receipts are where duplicates and reordering bite. */
const CHANNELS = (
  process.env.CHAOS_CHANNELS ?? 'line,telegram,whatsapp,viber,messenger,instagram,wechat'
).split(',');
/** The channel whose provider deduplicates a resend (LINE's retry key); the others may not resend twice. */
const DEDUPLICATED = new Set(['line']);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    OMNIGATE_SANDBOX_CHAOS: CHAOS,
    ...Object.fromEntries(CHANNELS.map((c) => [`OMNIGATE_${c.toUpperCase()}_RATE_PER_SECOND`, String(RATE)])),
  });
});
afterAll(async () => {
  await gw.close();
  sandboxChaos.configure(NO_CHAOS);
});

interface Event {
  status: MessageStatus;
  code?: string;
  detail?: { attempt?: number; outcome?: string; cause?: string };
}

/** How a connection cut before any answer shows (chaos `reset`: the emulator never saw the request). */
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** The emulator took the message: it answered success (a 2xx, and no refusal inside it). */
function taken(r: RecordedRequest): boolean {
  if (typeof r.body === 'string' || r.status < 200 || r.status >= 300) return false;
  const answer = (r.response ?? {}) as Record<string, unknown>;
  if (answer['ok'] === false) return false; // Telegram
  if (typeof answer['errcode'] === 'number' && answer['errcode'] !== 0) return false; // WeChat
  if (typeof answer['status'] === 'number' && answer['status'] !== 0) return false; // Viber
  return true;
}

describe('chaos', () => {
  it('ends every message delivered or failed with a reason, within the limits, never backwards', async () => {
    const ids: string[] = [];
    for (const channel of CHANNELS) {
      for (let start = 0; start < PER_CHANNEL; start += 250) {
        const length = Math.min(250, PER_CHANNEL - start);
        const to = Array.from({ length }, (_, i) => SANDBOX_RECIPIENTS[channel]?.(start + i) ?? '');
        const res = await gw.api('POST', '/v1/messages', {
          channel,
          to,
          message: { type: 'text', text: 'chaos' },
        });
        expect(res.status).toBe(202);
        ids.push(...res.json.messages.map((m: { id: string }) => m.id));
      }
    }

    // One at a time: thousands of concurrent pollers would starve the dispatcher they wait for.
    const finals: Array<Record<string, unknown>> = [];
    for (const id of ids)
      finals.push(await gw.waitForStatus(id, ['sent', 'delivered', 'read', 'failed'], 30_000));
    let failed = 0;
    const perChannel = new Map<string, { messages: number; resends: number; duplicates: number }>();
    for (const m of finals) {
      if (m.status === 'failed') {
        failed++;
        expect(m.statusReason, String(m.id)).toEqual(expect.any(String));
      }
      const events = m.events as Event[];
      // Never backwards: each change of status is a forward one.
      for (let i = 1; i < events.length; i++) {
        const [prev, next] = [events[i - 1] as Event, events[i] as Event];
        if (prev.status !== next.status)
          expect(isForward(prev.status, next.status), `${m.id}: ${prev.status} → ${next.status}`).toBe(true);
      }
      // A throttled or breaker-held try is not an attempt: only transient failures and resends
      // after an unknown outcome add one.
      const transient = events.filter(
        (e) => e.detail?.outcome === 'transient' || e.detail?.outcome === 'maybe_sent',
      ).length;
      // The dispatcher's own end of the message (receipts come later and carry no attempt).
      const ended = events.find(
        (e) => ['sent', 'failed'].includes(e.status) && e.detail?.attempt !== undefined,
      );
      const finalAttempt = ended?.detail?.attempt;
      expect(finalAttempt, String(m.id)).toBe(transient + 1);

      // Duplicates only where the policy allows, and each one counted: the emulator's record of
      // what it took, against the message's resend count and its resend events.
      const channel = m.channel as string;
      const resends = m.maybeSentResends as number;
      const resendEvents = events.filter((e) => e.code === 'maybe_sent_resend');
      expect(resendEvents, String(m.id)).toHaveLength(resends);
      const copies = (gw.recorder?.list(channel, { to: m.to as string }) ?? []).filter(taken).length;
      const duplicates = Math.max(0, copies - 1);
      if (DEDUPLICATED.has(channel)) {
        expect(copies, `${channel} ${m.id}`).toBeLessThanOrEqual(1);
      } else {
        expect(resends, `${channel} ${m.id}`).toBeLessThanOrEqual(1);
        expect(duplicates, `${channel} ${m.id}`).toBeLessThanOrEqual(resends);
        // A resend after a proxy's 502 (the provider had it) that then went through is exactly one
        // duplicate; after a cut connection (the request never reached it), none. A timeout may be
        // either.
        const cause = resendEvents[0]?.detail?.cause ?? '';
        const expected = cause.endsWith('_http_502') ? 2 : RESET_CODES.has(cause) ? 1 : undefined;
        if (resends === 1 && m.status !== 'failed' && expected !== undefined) {
          expect(copies, `${channel} ${m.id} after ${cause}`).toBe(expected);
        }
      }
      if (m.status !== 'failed') expect(copies, `${channel} ${m.id}`).toBeGreaterThanOrEqual(1);
      const tally = perChannel.get(channel) ?? { messages: 0, resends: 0, duplicates: 0 };
      perChannel.set(channel, {
        messages: tally.messages + 1,
        resends: tally.resends + resends,
        duplicates: tally.duplicates + duplicates,
      });
    }
    console.log('chaos: per channel', Object.fromEntries(perChannel), 'injected', sandboxChaos.injected);
    // The process counter (what a metrics endpoint would show) agrees with the messages.
    for (const [channel, tally] of perChannel) {
      expect(maybeSentCounters.resends.get(channel) ?? 0, channel).toBe(tally.resends);
    }
    // The new faults really bit: messages went out twice, and never where the provider deduplicates.
    const duplicated = [...perChannel].filter(([c]) => !DEDUPLICATED.has(c)).map(([, t]) => t.duplicates);
    expect(duplicated.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(sandboxChaos.injected.garbled).toBeGreaterThan(10);
    expect(sandboxChaos.injected.badGateway).toBeGreaterThan(10);

    // The faults really happened, and resets to Telegram (which does not deduplicate) were not resent.
    expect(sandboxChaos.injected.throttle).toBeGreaterThan(20);
    expect(sandboxChaos.injected.error).toBeGreaterThan(20);
    expect(sandboxChaos.injected.reset).toBeGreaterThan(0);
    expect(failed).toBeLessThan(ids.length * 0.05);

    // The account limits held, measured where the requests arrived: in any one-second window no
    // more than the bucket's burst plus a second's worth.
    for (const channel of CHANNELS) {
      const arrivals = (gw.recorder?.list(channel) ?? []).map((r) => Date.parse(r.at)).sort((a, b) => a - b);
      expect(arrivals.length).toBeGreaterThanOrEqual(PER_CHANNEL);
      const most = windowMax(arrivals, 1_000);
      // The bucket admits at most its burst plus a second's refill in any second. Requests leave on
      // time but share one event loop with the emulator, so arrivals jitter by tens of ms: 10% slack.
      expect(most, channel).toBeLessThanOrEqual(2 * RATE * 1.1);
      // And over the whole run, beyond the first burst, no more than the rate.
      const span = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
      expect((arrivals.length - RATE) / span, channel).toBeLessThanOrEqual(RATE * 1.05);
    }
  }, 120_000);
});

function windowMax(arrivals: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < arrivals.length; i++) {
    while ((arrivals[i] as number) - (arrivals[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
