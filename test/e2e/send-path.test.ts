/**
 * The send path end to end: API → store → dispatcher → strict sandbox provider over HTTP → status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, CONNECTORS } from '../../src/channels/registry.ts';
import { MESSAGE_KINDS } from '../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../support/recipients.ts';

const RECIPIENT: Record<string, string> = { line: LINE_USER, telegram: TELEGRAM_CHAT };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

describe('send path', () => {
  it('accepts a LINE text, delivers it to the provider and tracks its status', async () => {
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'Hello' },
      correlationId: 'order-1',
    });
    expect(res.status).toBe(202);
    expect(res.json.messages).toEqual([
      { id: expect.stringMatching(/^msg_/), to: LINE_USER, status: 'queued' },
    ]);
    const id = res.json.messages[0].id;

    const done = await gw.waitForStatus(id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toBeTruthy();
    expect((done.events as Array<{ status: string }>).map((e) => e.status)).toEqual([
      'accepted',
      'queued',
      'sending',
      'sent',
    ]);
    expect(done.providerRequest).toMatchObject({
      method: 'POST',
      path: '/v2/bot/message/push',
      body: { to: LINE_USER, messages: [{ type: 'text', text: 'Hello' }] },
    });
    // The stored request holds no credential.
    expect(JSON.stringify(done.providerRequest)).not.toContain(
      CONNECTORS.line!.sandboxCredentials.channelAccessToken!,
    );

    const seen = gw.recorder!.list('line', { to: LINE_USER });
    expect(seen.some((r) => JSON.stringify(r.body).includes('"Hello"') && r.status === 200)).toBe(true);
  });

  it('answers one id per recipient for a batch', async () => {
    const to = Array.from({ length: 25 }, (_, i) => `U${i.toString(16).padStart(32, '0')}`);
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to,
      message: { type: 'text', text: 'batch' },
    });
    expect(res.status).toBe(202);
    expect(res.json.messages.map((m: { to: string }) => m.to)).toEqual(to);
    expect(new Set(res.json.messages.map((m: { id: string }) => m.id)).size).toBe(25);
    for (const m of res.json.messages) await gw.waitForStatus(m.id, ['sent']);
  });

  for (const channel of ['line', 'telegram']) {
    it(`sends every kind ${channel} carries, natively or degraded, and it reaches the sandbox`, async () => {
      const connector = CONNECTORS[channel]!;
      const kinds = MESSAGE_KINDS.filter(
        (k) => k !== 'raw' && connector.capabilities[k].support !== 'refused',
      );
      expect(kinds.length).toBeGreaterThan(8);
      const ids: Record<string, string> = {};
      for (const kind of kinds) {
        const res = await gw.api('POST', '/v1/messages', {
          channel,
          to: RECIPIENT[channel],
          message: SAMPLE_MESSAGES[kind],
        });
        expect(res.status, `${kind}: ${JSON.stringify(res.json)}`).toBe(202);
        ids[kind] = res.json.messages[0].id;
      }
      for (const kind of kinds) {
        const done = await gw.waitForStatus(ids[kind]!, ['sent', 'failed']);
        // Whether each form degrades as its cell says is capability-declarations.test.ts's to check.
        expect(done.status, `${channel} ${kind}: ${JSON.stringify(done.events)}`).toBe('sent');
      }
    });
  }

  it('refuses a kind the channel cannot carry, naming the field and the rule', async () => {
    const refused = MESSAGE_KINDS.find((k) => CONNECTORS.telegram!.capabilities[k].support === 'refused')!;
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      to: TELEGRAM_CHAT,
      message: SAMPLE_MESSAGES[refused],
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json.errors).toEqual([
      expect.objectContaining({ pointer: '/message/type', rule: 'channel_capability' }),
    ]);
  });

  it('lists messages with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await gw.api('POST', '/v1/messages', {
        channel: 'telegram',
        to: TELEGRAM_CHAT,
        message: { type: 'text', text: `page ${i}` },
        correlationId: 'paging',
      });
      ids.push(res.json.messages[0].id);
    }
    const first = await gw.api('GET', '/v1/messages?correlationId=paging&limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data.map((m: { id: string }) => m.id)).toEqual([ids[4], ids[3]]);
    const second = await gw.api(
      'GET',
      `/v1/messages?correlationId=paging&limit=2&cursor=${first.json.nextCursor}`,
    );
    expect(second.json.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const third = await gw.api(
      'GET',
      `/v1/messages?correlationId=paging&limit=2&cursor=${second.json.nextCursor}`,
    );
    expect(third.json.data.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
    expect(third.json.nextCursor).toBeUndefined();

    const lineOnly = await gw.api('GET', '/v1/messages?channel=line&limit=200');
    expect(lineOnly.json.data.every((m: { channel: string }) => m.channel === 'line')).toBe(true);
    const future = await gw.api('GET', `/v1/messages?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(future.json.data).toEqual([]);
    const bad = await gw.api('GET', '/v1/messages?status=bogus&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/querystring/limit',
      '/querystring/status',
    ]);
  });

  it('returns 404 problem for another id, and lists channel accounts without credentials', async () => {
    const missing = await gw.api('GET', '/v1/messages/msg_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(missing.status).toBe(404);
    const accounts = await gw.api('GET', '/v1/channel-accounts');
    // One sandbox account per channel.
    expect(accounts.json.data.map((a: { channel: string }) => a.channel).sort()).toEqual(
      [...CHANNEL_NAMES].sort(),
    );
    expect(JSON.stringify(accounts.json)).not.toContain('sandbox-');
  });

  it('adds a channel account with validated credentials and sends through it', async () => {
    const bad = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'telegram',
      name: 'x',
      credentials: {},
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].pointer).toMatch(/^\/credentials/);
    const created = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'line',
      name: 'second line channel',
      credentials: CONNECTORS.line!.sandboxCredentials,
    });
    expect(created.status).toBe(201);
    expect(created.json).not.toHaveProperty('credentials');
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      from: created.json.id,
      to: LINE_USER,
      message: { type: 'text', text: 'via second account' },
    });
    expect(res.status).toBe(202);
    const done = await gw.waitForStatus(res.json.messages[0].id, ['sent']);
    expect(done.from).toBe(created.json.id);
    const wrong = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      from: created.json.id,
      to: TELEGRAM_CHAT,
      message: { type: 'text', text: 'x' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors[0].pointer).toBe('/from');
  });

  it('serves its OpenAPI 3.1 document, generated from the validating schemas, and a docs page', async () => {
    const doc = await gw.api('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    const send = doc.json.paths['/v1/messages'].post;
    expect(send.requestBody.content['application/json'].schema.properties.message.discriminator).toEqual({
      propertyName: 'type',
    });
    expect(doc.json.info.description).toContain('| `carousel` |');
    const page = await gw.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html');
    expect((await gw.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await gw.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
