/**
 * A provider account that is down opens its circuit breaker: its messages wait instead of using
 * up their attempts, and are sent once the provider is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { json, startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;
let provider: Awaited<ReturnType<typeof startServer>>;
let downUntil = 0;

beforeAll(async () => {
  provider = await startServer((_r, res) =>
    Date.now() < downUntil
      ? json(res, 500, { message: 'Internal server error' })
      : json(res, 200, { sentMessages: [{ id: String(Date.now()), quoteToken: 'q' }] }),
  );
  gw = await startTestGateway(
    { OMNIGATE_LINE_API_BASE: provider.url },
    {
      dispatcher: {
        maxAttempts: 3,
        breaker: { threshold: 3, cooldownMs: 200, maxCooldownMs: 400 },
      },
    },
  );
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});

describe('circuit breaker', () => {
  it('holds messages while the provider is down and sends them all when it is back', async () => {
    downUntil = Date.now() + 1_500;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: `m${i}` },
      });
      ids.push(res.json.messages[0].id);
    }
    for (const id of ids) {
      // Three attempts each would be thirty failures and ten failed messages without the breaker.
      expect((await gw.waitForStatus(id, ['sent', 'failed'], 15_000)).status).toBe('sent');
    }
    const failedWhileDown = provider.received.length - ids.length;
    // The threshold's three failures, one probe per cool-down (200, 400, 400, 400 ms: at most 4
    // in 1.5 s), and the requests that passed the closed breaker before the third failure was
    // recorded: at most the ten messages. Those cannot be called back, as in any breaker; each
    // message is marked `sending` between its admission and its request (a store write), which
    // on PostgreSQL lets a few more through than on SQLite.
    expect(failedWhileDown).toBeGreaterThanOrEqual(3);
    expect(failedWhileDown).toBeLessThanOrEqual(3 + 4 + 10);
  });
});
