/**
 * Starts a whole gateway (SQLite in a temp dir, dispatcher, notifier, sandbox emulators) on a
 * loopback port, the way `npm start` does, for end-to-end tests through the public HTTP API.
 *
 * With OMNIGATE_TEST_GATEWAY_BACKEND=postgres the same gateway keeps its records in a fresh,
 * migrated PostgreSQL database of its own instead (dropped again by `close()`), so the end-to-end
 * suites check that the scale-out backend keeps the API's promises too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/runtime.ts';
import type { RecordedRequest } from '../../src/sandbox/types.ts';

export const TEST_API_KEY = 'og_test_key_for_the_e2e_suite_0123456789';

export interface TestGateway extends Gateway {
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  waitForStatus(id: string, statuses: string[], timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
  /** The id of the sandbox account the gateway made for `channel` at boot. */
  accountId(channel: string): string;
  /** POST /v1/messages; `options` are the channel's own, sent as `options: { [channel]: options }`. */
  send(channel: string, to: unknown, message: unknown, options?: unknown): Promise<ApiResponse>;
  /** As `send`, expecting 202; the id of the (first) accepted message. */
  sendAccepted(channel: string, to: unknown, message: unknown, options?: unknown): Promise<string>;
  /** Plays the person at the channel's emulator: POST /sandbox/<channel><path>. */
  simulate(channel: string, body: unknown, path?: string): Promise<LightMyRequestResponse>;
  /** As `simulate`, expecting 200; the emulator's answer. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the emulator's answer freely.
  simulateOk(channel: string, body: unknown, path?: string): Promise<any>;
  /** Stored inbound events (the newest 200), only those of `kind` if given. */
  inbound(kind?: string): Promise<InboundEvent[]>;
  /** Posts raw bytes to the channel's sandbox account webhook, as a provider would. */
  postWebhook(
    channel: string,
    raw: string,
    headers?: Record<string, string>,
    query?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** What reached the channel's emulator (to `to`, if given). */
  requests(channel: string, to?: string): RecordedRequest[];
}

export interface InboundEvent {
  kind: string;
  event: Record<string, unknown>;
}

/** The statuses a message went through, in order. */
export const statusesOf = (message: Record<string, unknown>) =>
  (message.events as Array<{ status: string }>).map((e) => e.status);

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
  const database = await postgresDatabase();
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
      Object.keys(options.connectors ?? CONNECTORS).map((c) => [
        `OMNIGATE_${c.toUpperCase()}_RECIPIENT_RATE_PER_SECOND`,
        '1000',
      ]),
    ),
    // Test receivers listen on loopback, which outbound webhooks may not reach by default.
    OMNIGATE_WEBHOOK_ALLOWLIST: '127.0.0.1/32,::1/128',
    ...(database
      ? { OMNIGATE_DATABASE_URL: database.url, OMNIGATE_MASTER_KEY: randomBytes(32).toString('base64') }
      : {}),
    ...env,
  });
  const gw = await startGateway(config, {
    ...options,
    // Request logs only for a test that brings its own logger to read them.
    quiet: options.quiet ?? true,
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
  const accountId = (channel: string) => {
    const account = gw.boot.sandboxAccounts.find((a) => a.channel === channel);
    if (account === undefined) throw new Error(`no sandbox account for ${channel}`);
    return account.id;
  };
  const send: TestGateway['send'] = (channel, to, message, options) =>
    api('POST', '/v1/messages', {
      channel,
      to,
      message,
      ...(options !== undefined ? { options: { [channel]: options } } : {}),
    });
  // The sandbox's own endpoints answer the tenant whose key they are given.
  const simulate: TestGateway['simulate'] = (channel, body, path = '/_simulate/message') =>
    gw.app.inject({
      method: 'POST',
      url: `/sandbox/${channel}${path}`,
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
      payload: body as object,
    });
  return Object.assign(gw, {
    api,
    accountId,
    send,
    async sendAccepted(channel: string, to: unknown, message: unknown, options?: unknown) {
      const res = await send(channel, to, message, options);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      return res.json.messages[0].id as string;
    },
    simulate,
    async simulateOk(channel: string, body: unknown, path?: string) {
      const res = await simulate(channel, body, path);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    },
    async inbound(kind?: string) {
      const events = (await api('GET', '/v1/inbound-events?limit=200')).json.data as InboundEvent[];
      return kind === undefined ? events : events.filter((e) => e.kind === kind);
    },
    postWebhook(
      channel: string,
      raw: string,
      headers: Record<string, string> = {},
      query: Record<string, string> = {},
    ) {
      const qs = new URLSearchParams(query).toString();
      return gw.app.inject({
        method: 'POST',
        url: `/webhooks/${channel}/${accountId(channel)}${qs ? `?${qs}` : ''}`,
        payload: raw,
        headers: { 'content-type': 'application/json', ...headers },
      });
    },
    requests(channel: string, to?: string) {
      if (gw.recorder === undefined) throw new Error('the gateway records no provider requests');
      return gw.recorder.list(channel, to !== undefined ? { to } : undefined);
    },
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
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A migrated database of its own when the suites run on PostgreSQL (see the header). */
async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (process.env.OMNIGATE_TEST_GATEWAY_BACKEND !== 'postgres') return undefined;
  // Imported only then: the check for a reachable server belongs to the runs that need one.
  const { POSTGRES } = await import('./backends.ts');
  const { migratePostgres } = await import('../../src/store/postgres/index.ts');
  if (!POSTGRES) throw new Error('OMNIGATE_TEST_GATEWAY_BACKEND=postgres needs a reachable PostgreSQL');
  const database = await POSTGRES.createDatabase();
  await migratePostgres(database.url);
  return database;
}
