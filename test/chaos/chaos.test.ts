/**
 * Fault injection: thousands of messages through the strict emulators in chaos mode (throttling
 * with wait hints, server errors, slow answers, connection resets, duplicated and reordered
 * receipts). Every message must end sent (or further) or failed with a reason, no throttle may
 * cost an attempt, the rate limits must hold as measured at the emulator, and no status may go
 * backwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForward, type MessageStatus } from '../../src/core/status.ts';
import { NO_CHAOS, sandboxChaos } from '../../src/sandbox/chaos.ts';
import { SANDBOX_RECIPIENTS } from '../../src/sandbox/sample-recipients.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const PER_CHANNEL = Number(process.env.CHAOS_PER_CHANNEL ?? 500);
const RATE = 400;
const CHAOS =
  'throttle=0.05,error=0.05,slow=0.05,slowMs=150,reset=0.01,duplicate=0.2,reorder=0.3,reorderMs=100,seed=7';

/** Channels with and without receipts: the receipts are where duplicates and reordering bite. */
const CHANNELS = (process.env.CHAOS_CHANNELS ?? 'line,telegram,whatsapp,viber,messenger').split(',');

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
  detail?: { attempt?: number; outcome?: string };
}

describe('chaos', () => {
  it('ends every message delivered or failed with a reason, within the limits, never backwards', async () => {
    const ids: string[] = [];
    for (const channel of CHANNELS) {
      for (let start = 0; start < PER_CHANNEL; start += 250) {
        const to = Array.from({ length: 250 }, (_, i) => SANDBOX_RECIPIENTS[channel]?.(start + i) ?? '');
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
      // A throttled or breaker-held try is not an attempt: only transient failures add one.
      const transient = events.filter((e) => e.detail?.outcome === 'transient').length;
      // The dispatcher's own end of the message (receipts come later and carry no attempt).
      const ended = events.find(
        (e) => ['sent', 'failed'].includes(e.status) && e.detail?.attempt !== undefined,
      );
      const finalAttempt = ended?.detail?.attempt;
      expect(finalAttempt, String(m.id)).toBe(transient + 1);
    }

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
