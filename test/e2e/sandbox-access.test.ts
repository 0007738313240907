/**
 * The sandbox's own endpoints (/_requests, /_simulate, /sandbox/_chaos) answer a tenant, by its
 * API key, about its own accounts only; in production mode they do not exist.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_SANDBOX_CREDENTIALS } from '../../src/channels/line/options.ts';
import { loadConfig } from '../../src/config/config.ts';
import { hashApiKey } from '../../src/lib/crypto.ts';
import { startGateway } from '../../src/runtime.ts';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../support/gateway.ts';
import { lineUser } from '../support/recipients.ts';

const OTHER_KEY = 'og_sandbox_other_tenant_key_0000000000000';
const asOther = { authorization: `Bearer ${OTHER_KEY}` };
const asMine = { authorization: `Bearer ${TEST_API_KEY}` };
const MINE = lineUser(4);
const THEIRS = lineUser(5);
const NOBODYS = lineUser(6);

let gw: TestGateway;
let otherAccount: string;
beforeAll(async () => {
  gw = await startTestGateway();
  await gw.store.tenants.ensure('tn_other', 'other');
  await gw.store.tenants.addApiKey('tn_other', hashApiKey(OTHER_KEY), 'og_sand');
  // The emulators' credentials are public: the other tenant's own account uses them too, so its
  // sends reach the same emulator.
  const created = await gw.api(
    'POST',
    '/v1/channel-accounts',
    { channel: 'line', name: 'other line', credentials: LINE_SANDBOX_CREDENTIALS },
    asOther,
  );
  expect(created.status).toBe(201);
  otherAccount = created.json.id;
});
afterAll(async () => {
  await gw.api('PUT', '/sandbox/_chaos', { settings: '' }, asOther);
  await gw.close();
});

const text = (t: string) => ({ type: 'text', text: t });
/** waitForStatus reads as the default tenant; the other tenant reads its own messages. */
async function sentAsOther(id: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if ((await gw.api('GET', `/v1/messages/${id}`, undefined, asOther)).json.status === 'sent') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the other tenant's message ${id} was not sent`);
}
const get = (url: string, headers: Record<string, string> = {}) =>
  gw.app.inject({ method: 'GET', url, headers });

describe('sandbox endpoints', () => {
  it('need an API key, answering 401 problem+json without one', async () => {
    for (const [method, url] of [
      ['GET', '/sandbox/line/_requests'],
      ['POST', '/sandbox/line/_simulate/message'],
      ['GET', '/sandbox/_chaos'],
      ['PUT', '/sandbox/_chaos'],
      ['GET', '/sandbox/telegram/_requests'],
    ] as const) {
      for (const headers of [{}, { authorization: 'Bearer og_not_a_key' }]) {
        const res = await gw.app.inject({
          method,
          url,
          headers,
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status: 401, code: 'GW_UNAUTHORIZED' });
      }
    }
  });

  it("show each tenant only its own accounts' provider requests", async () => {
    const mine = await gw.sendAccepted('line', MINE, text('mine'));
    const theirs = await gw.api(
      'POST',
      '/v1/messages',
      { channel: 'line', from: otherAccount, to: THEIRS, message: text('theirs') },
      asOther,
    );
    expect(theirs.status).toBe(202);
    await gw.waitForStatus(mine, ['sent']);
    await sentAsOther(theirs.json.messages[0].id);
    // Someone posting straight to the emulator with the public token and a made-up tag is no one's.
    const forged = await gw.app.inject({
      method: 'POST',
      url: '/sandbox/line/~tn_other.ca_x.AAAAAAAAAAAAAAAAAAAAAA/v2/bot/message/push',
      headers: { authorization: `Bearer ${LINE_SANDBOX_CREDENTIALS.channelAccessToken}` },
      payload: { to: NOBODYS, messages: [text('forged')] },
    });
    expect(forged.statusCode).toBe(200);

    const seenBy = async (headers: Record<string, string>) => {
      const res = await get('/sandbox/line/_requests', headers);
      expect(res.statusCode).toBe(200);
      return (res.json() as Array<{ body: { to?: string }; account?: string }>).filter(
        (r) => r.body.to !== undefined,
      );
    };
    const mineSeen = await seenBy(asMine);
    expect(mineSeen.map((r) => r.body.to)).toEqual([MINE]);
    expect(mineSeen[0]?.account).toBe(gw.accountId('line'));
    const theirsSeen = await seenBy(asOther);
    expect(theirsSeen.map((r) => r.body.to)).toEqual([THEIRS]);
    expect(theirsSeen[0]?.account).toBe(otherAccount);
    // Filtering by recipient cannot reach past the tenant either.
    expect((await get(`/sandbox/line/_requests?to=${MINE}`, asOther)).json()).toEqual([]);
    expect((await get(`/sandbox/line/_requests?to=${NOBODYS}`, asMine)).json()).toEqual([]);
  });

  it("refuse to make a person write (STOP included) to another tenant's account", async () => {
    const before = (await gw.inbound()).length;
    const refused = await gw.app.inject({
      method: 'POST',
      url: '/sandbox/line/_simulate/message',
      headers: asOther,
      payload: { from: MINE, text: 'STOP' },
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'GW_NOT_FOUND' });
    expect((await gw.inbound()).length).toBe(before);
    // The account's own tenant can.
    await gw.simulateOk('line', { from: MINE, text: 'hello' });
    expect((await gw.inbound()).length).toBeGreaterThan(before);
  });

  it("turn chaos on for the asking tenant's accounts only", async () => {
    const put = await gw.app.inject({
      method: 'PUT',
      url: '/sandbox/_chaos',
      headers: asOther,
      payload: { settings: 'error=1' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ scope: 'tenant', settings: { error: 1 } });
    expect((await get('/sandbox/_chaos', asOther)).json()).toMatchObject({
      scope: 'tenant',
      settings: { error: 1 },
    });
    expect((await get('/sandbox/_chaos', asMine)).json()).toMatchObject({
      scope: 'process',
      settings: { error: 0 },
    });

    // The other tenant's sends meet the fault; this tenant's go through untouched.
    const theirs = await gw.api(
      'POST',
      '/v1/messages',
      { channel: 'line', from: otherAccount, to: THEIRS, message: text('under chaos') },
      asOther,
    );
    expect(theirs.status).toBe(202);
    const mine = await gw.sendAccepted('line', MINE, text('calm'));
    expect((await gw.waitForStatus(mine, ['sent'])).attempts).toBe(1);
    for (let i = 0; i < 200; i++) {
      const faults = (
        (await get('/sandbox/line/_requests', asOther)).json() as Array<{ body: unknown }>
      ).filter((r) => r.body === 'chaos: error');
      if (faults.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const theirsSeen = (await get('/sandbox/line/_requests', asOther)).json() as Array<{ body: unknown }>;
    expect(theirsSeen.some((r) => r.body === 'chaos: error')).toBe(true);
    const mineSeen = (await get('/sandbox/line/_requests', asMine)).json() as Array<{ body: unknown }>;
    expect(mineSeen.some((r) => r.body === 'chaos: error')).toBe(false);
    expect((await get('/sandbox/_chaos', asOther)).json().injected.error).toBeGreaterThan(0);
  });
});

describe('in production mode', () => {
  it('has no sandbox endpoints: 404', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-production-'));
    const production = await startGateway(
      loadConfig({
        PORT: '0',
        OMNIGATE_MODE: 'production',
        OMNIGATE_DATA_DIR: dataDir,
        OMNIGATE_API_KEY: TEST_API_KEY,
        OMNIGATE_MASTER_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'silent',
      }),
      { quiet: true, startWorkers: false },
    );
    try {
      for (const [method, url] of [
        ['GET', '/sandbox/line/_requests'],
        ['POST', '/sandbox/line/_simulate/message'],
        ['GET', '/sandbox/_chaos'],
        ['PUT', '/sandbox/_chaos'],
        ['POST', '/sandbox/line/v2/bot/message/push'],
      ] as const) {
        const res = await production.app.inject({
          method,
          url,
          headers: asMine,
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    } finally {
      await production.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
