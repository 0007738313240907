/**
 * Starts a whole gateway (SQLite in a temp dir, dispatcher, notifier, sandbox emulators) on a
 * loopback port, the way `npm start` does, for end-to-end tests through the public HTTP API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES } from '../../src/channels/registry.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/runtime.ts';

export const TEST_API_KEY = 'og_test_key_for_the_e2e_suite_0123456789';

export interface TestGateway extends Gateway {
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  waitForStatus(id: string, statuses: string[], timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep response fields freely.
  json: any;
}

export async function startTestGateway(
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-test-'));
  const config = loadConfig({
    PORT: '0',
    OMNIGATE_DATA_DIR: dataDir,
    OMNIGATE_API_KEY: TEST_API_KEY,
    OMNIGATE_SQLITE_SYNCHRONOUS: 'NORMAL',
    LOG_LEVEL: 'silent',
    // Suites send many messages to one test recipient; providers' per-recipient paces (Telegram
    // ~1/s per chat, WhatsApp one per 6 s per user) would make them crawl. The pacing itself is
    // tested in recipient-pacing.test.ts.
    ...Object.fromEntries(
      CHANNEL_NAMES.map((c) => [`OMNIGATE_${c.toUpperCase()}_RECIPIENT_RATE_PER_SECOND`, '1000']),
    ),
    // Test receivers listen on loopback, which outbound webhooks may not reach by default.
    OMNIGATE_WEBHOOK_ALLOWLIST: '127.0.0.1/32,::1/128',
    ...env,
  });
  const gw = await startGateway(config, {
    ...options,
    quiet: true,
    dispatcher: { backoff: { baseMs: 20, capMs: 100 }, idleMs: 20, ...options.dispatcher },
    notifier: { schedule: [0.05, 0.1, 0.2], idleMs: 20, ...options.notifier },
  });
  const api: TestGateway['api'] = async (method, url, body, headers = {}) => {
    const res = await gw.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const json = res.body ? JSON.parse(res.body) : undefined;
    return { status: res.statusCode, headers: res.headers, body: json, json };
  };
  return Object.assign(gw, {
    api,
    async waitForStatus(id: string, statuses: string[], timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const res = await api('GET', `/v1/messages/${id}`);
        if (statuses.includes(res.json.status)) return res.json;
        if (Date.now() > until) {
          throw new Error(
            `message ${id} is ${res.json.status}, not ${statuses.join('/')}: ${JSON.stringify(res.json)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
