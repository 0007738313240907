/**
 * Credentials that travel in URLs stay out of what people read: the request log, the error log,
 * and the stored provider request GET /v1/messages/:id shows. Telegram's bot token sits in the
 * request path; clients put keys in query strings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SANDBOX_CREDENTIALS } from '../../src/channels/telegram/options.ts';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../support/gateway.ts';
import { type CapturedLog, captureLog } from '../support/log-capture.ts';

const TOKEN_SECRET = TELEGRAM_SANDBOX_CREDENTIALS.botToken.split(':')[1]!;
const API_KEY_IN_QUERY = 'og_query_string_key_0123456789abcdef';
const CHAT = '123456789';

let gw: TestGateway;
let log: CapturedLog;
beforeAll(async () => {
  log = captureLog('debug');
  gw = await startTestGateway({}, { logger: log.logger, quiet: false });
});
afterAll(async () => gw.close());

describe('secrets in logs', () => {
  it('keeps the Telegram bot token out of request logs and of the stored provider request', async () => {
    const id = await gw.sendAccepted('telegram', CHAT, { type: 'text', text: 'hello' });
    const message = await gw.waitForStatus(id, ['sent']);
    // The send really crossed HTTP with the token in its path: the emulator's request was logged.
    expect(log.text).toContain('/sandbox/telegram/bot7000000001:[redacted]/sendMessage');
    expect(log.text).not.toContain(TOKEN_SECRET);
    expect(JSON.stringify(message)).not.toContain(TOKEN_SECRET);
    expect(message.providerRequest).toMatchObject({ path: '/bot{token}/sendMessage' });
  });

  it('keeps the bot token out of what the sandbox recorded for a request chaos answered', async () => {
    const auth = { authorization: `Bearer ${TEST_API_KEY}` };
    const chaos = (settings: string) =>
      gw.app.inject({ method: 'PUT', url: '/sandbox/_chaos', headers: auth, payload: { settings } });
    expect((await chaos('error=1')).statusCode).toBe(200);
    try {
      await gw.sendAccepted('telegram', CHAT, { type: 'text', text: 'under chaos' });
      let faults: Array<{ path: string }> = [];
      for (let i = 0; i < 250 && faults.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const listed = await gw.app.inject({
          method: 'GET',
          url: '/sandbox/telegram/_requests',
          headers: auth,
        });
        faults = (listed.json().data as Array<{ path: string; body: unknown }>).filter(
          (r) => r.body === 'chaos: error',
        );
      }
      expect(faults[0]?.path).toBe('/bot7000000001:[redacted]/sendMessage');
      expect(JSON.stringify(faults)).not.toContain(TOKEN_SECRET);
    } finally {
      await chaos('');
    }
  });

  it('keeps ?api_key= and other credentials in query strings out of request logs', async () => {
    await gw.api('GET', `/v1/messages?limit=1&api_key=${API_KEY_IN_QUERY}`);
    await gw.app.inject({
      method: 'GET',
      url: `/webhooks/messenger/ca_x?hub.verify_token=${API_KEY_IN_QUERY}`,
    });
    expect(log.text).toContain('/v1/messages?limit=1&api_key=[redacted]');
    expect(log.text).not.toContain(API_KEY_IN_QUERY);
  });

  it('keeps them out of error logs, whichever field of the error holds the URL', async () => {
    // What undici throws for a URL it cannot use carries the whole URL in `input`.
    const url = `https://api.telegram.org/bot${TELEGRAM_SANDBOX_CREDENTIALS.botToken}/sendMessage?api_key=${API_KEY_IN_QUERY}`;
    const error = Object.assign(new TypeError(`Invalid URL ${url}`), { code: 'ERR_INVALID_URL', input: url });
    gw.app.log.error({ err: error }, 'dispatch failed');
    const line = log.lines().find((l) => l.msg === 'dispatch failed');
    expect(line?.err).toMatchObject({ code: 'ERR_INVALID_URL' });
    expect(JSON.stringify(line)).toContain('/bot7000000001:[redacted]/sendMessage?api_key=[redacted]');
    expect(log.text).not.toContain(TOKEN_SECRET);
    expect(log.text).not.toContain(API_KEY_IN_QUERY);
  });
});
