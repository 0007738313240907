/**
 * Requests no route can take as they are: bodies nested too deep, a path with the wrong method, a
 * malformed or over-long URL. Each answers 4xx, as a problem on the native API and in the vendor's
 * own shape on a façade's paths; none is a 500 or Fastify's own JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../support/gateway.ts';
import { WEBHOOK_CONTENT_TYPES, WEBHOOK_SIGNERS } from '../support/signed-webhooks.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { startWorkers: false });
});
afterAll(async () => gw.close());

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const PROBLEM = 'application/problem+json; charset=utf-8';
const basic = `Basic ${Buffer.from(`u:${TEST_API_KEY}`).toString('base64')}`;

/** Each façade's path, credentials, and how its answer's shape is recognised. */
interface Facade {
  name: string;
  url: string;
  headers: Record<string, string>;
  shaped(body: Record<string, unknown>): void;
}
const FACADES: Facade[] = [
  {
    name: 'Konnek',
    url: '/whatsapp/send/any',
    headers: { 'auth-username': 'u', 'auth-password': TEST_API_KEY },
    shaped: (body: Record<string, unknown>) =>
      expect(body).toMatchObject({ meta: { status: false }, data: null }),
  },
  {
    name: 'Infobip',
    url: '/line/1/single',
    headers: { authorization: basic },
    shaped: (body: Record<string, unknown>) =>
      expect(body).toMatchObject({ requestError: { serviceException: { messageId: expect.any(String) } } }),
  },
  {
    name: 'FIRST LINE',
    url: '/api/v1/message/push',
    headers: { authorization: `Bearer ${TEST_API_KEY}` },
    shaped: (body: Record<string, unknown>) =>
      expect(body).toEqual(expect.objectContaining({ message: expect.any(String) })),
  },
  {
    name: 'Webex',
    url: '/resources/v1/messaging',
    headers: { key: TEST_API_KEY },
    shaped: (body: Record<string, unknown>) =>
      expect(body).toMatchObject({ response: { code: expect.stringMatching(/^7\d{3}$/) } }),
  },
];

const inject = (method: string, url: string, headers: Record<string, string>, payload?: string) =>
  gw.app.inject({
    method: method as 'POST',
    url,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

describe('deep nesting', () => {
  it('answers the native API with a 400 problem naming the depth rule', async () => {
    for (const url of ['/v1/messages', '/v1/messages/preview', '/v1/contacts', '/v1/templates']) {
      const res = await inject('POST', url, { authorization: `Bearer ${TEST_API_KEY}` }, nested(20_000));
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(res.json().errors[0]).toMatchObject({ rule: 'maxDepth' });
    }
  });

  it.each(FACADES)('answers the $name façade in its own shape, never a 500', async (facade) => {
    for (const body of [nested(20_000), `${'['.repeat(20_000)}${']'.repeat(20_000)}`]) {
      const res = await inject('POST', facade.url, facade.headers, body);
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.body).toMatch(/deeper than 32 levels/);
      facade.shaped(res.json());
    }
  });

  it.each(Object.keys(WEBHOOK_SIGNERS))(
    'refuses a signed %s webhook nested too deep with a 400',
    async (channel) => {
      const raw =
        channel === 'wechat' ? `<xml>${'<a>'.repeat(60)}x${'</a>'.repeat(60)}</xml>` : nested(20_000);
      const { headers, query } = WEBHOOK_SIGNERS[channel]!(Buffer.from(raw));
      const res = await gw.postWebhook(
        channel,
        raw,
        { 'content-type': WEBHOOK_CONTENT_TYPES[channel] ?? 'application/json', ...headers },
        query,
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toBe(PROBLEM);
    },
  );
});

describe('fields named like what every object has', () => {
  // Found by the fuzzer: Infobip answered `{"valueOf": null}` with a 500 (its error list was a
  // plain object, so `valueOf` was already "there").
  const body = '{"valueOf":null,"toString":1,"constructor":"x","hasOwnProperty":[],"__defineGetter__":{}}';

  it.each(FACADES)('are refused by the $name façade in its own shape', async (facade) => {
    const res = await inject('POST', facade.url, facade.headers, body);
    expect(res.statusCode, res.body).toBeLessThan(500);
    facade.shaped(res.json());
  });

  it('are refused by the native API as a problem', async () => {
    const res = await inject('POST', '/v1/messages', { authorization: `Bearer ${TEST_API_KEY}` }, body);
    expect([res.statusCode, res.headers['content-type']]).toEqual([400, PROBLEM]);
  });
});

describe('refusals before any route runs', () => {
  const auth = { authorization: `Bearer ${TEST_API_KEY}` };

  it('answers a known path with another method 405 with Allow, as a problem', async () => {
    const res = await inject('DELETE', '/v1/messages', auth);
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ code: 'GW_METHOD_NOT_ALLOWED', status: 405 });
    const param = await inject('PUT', '/v1/messages/msg_x', auth);
    expect(param.statusCode).toBe(405);
    expect(param.headers.allow).toBe('GET, HEAD');
  });

  it('keeps 404 for a path no route has', async () => {
    const res = await inject('GET', '/v1/nothing-here', auth);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'GW_NOT_FOUND' });
  });

  it('answers malformed percent-encoding 400 and an over-long URL 414, as problems', async () => {
    const bad = await inject('GET', '/v1/messages/%E0%A4%A', auth);
    expect([bad.statusCode, bad.headers['content-type']]).toEqual([400, PROBLEM]);
    expect(bad.json().code).toBe('GW_BAD_URL');
    const longParam = await inject('GET', `/v1/messages/${'a'.repeat(200)}`, auth);
    expect([longParam.statusCode, longParam.headers['content-type']]).toEqual([414, PROBLEM]);
    expect(longParam.json().code).toBe('GW_URI_TOO_LONG');
    const longQuery = await inject('GET', `/v1/messages?x=${'a'.repeat(10_000)}`, auth);
    expect([longQuery.statusCode, longQuery.json().code]).toEqual([414, 'GW_URI_TOO_LONG']);
  });

  it.each(FACADES)('answers the $name façade 405, 400 and 414 in its own shape', async (facade) => {
    const wrongMethod = await inject('PUT', facade.url, facade.headers);
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.headers['content-type']).toMatch(/^application\/json/);
    facade.shaped(wrongMethod.json());
    for (const [url, status] of [
      [`${facade.url}%zz`, 400],
      [`${facade.url}?x=${'a'.repeat(10_000)}`, 414],
    ] as const) {
      const res = await inject('POST', url, facade.headers, '{}');
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      facade.shaped(res.json());
    }
  });
});
