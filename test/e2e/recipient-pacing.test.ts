/**
 * Per-recipient pacing: messages to one person go out at that person's pace, without holding up
 * messages to others and without using up attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  // 5 per second per chat, no burst: six messages to one chat span at least a second.
  gw = await startTestGateway({ OMNIGATE_TELEGRAM_RECIPIENT_RATE_PER_SECOND: '5' });
});
afterAll(async () => gw.close());

const CHAT_A = '70001';
const CHAT_B = '70002';

describe('per-recipient pacing', () => {
  it('spaces messages to one chat and lets another chat through meanwhile', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await gw.api('POST', '/v1/messages', {
        channel: 'telegram',
        to: CHAT_A,
        message: { type: 'text', text: `a${i}` },
      });
      ids.push(res.json.messages[0].id);
    }
    const b = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      to: CHAT_B,
      message: { type: 'text', text: 'b' },
    });
    ids.push(b.json.messages[0].id);
    for (const id of ids) {
      const done = await gw.waitForStatus(id, ['sent', 'failed']);
      expect(done.status).toBe('sent');
      // Waiting for a turn is not an attempt.
      expect(done.attempts).toBe(1);
    }
    const arrivals = (to: string) => gw.recorder!.list('telegram', { to }).map((r) => Date.parse(r.at));
    const a = arrivals(CHAT_A);
    expect(a).toHaveLength(6);
    // Turns are 200 ms apart. A send can start late (a busy loop) while the next one keeps its
    // turn, so single gaps may shrink; the span of six cannot be less than five turns, less the
    // first one's lateness.
    expect((a[5] as number) - (a[0] as number)).toBeGreaterThanOrEqual(5 * 200 - 150);
    const [bAt] = arrivals(CHAT_B);
    expect(bAt).toBeLessThan(a[a.length - 1] as number);
  });
});
