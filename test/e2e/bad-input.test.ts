/**
 * Bad input gets a 4xx problem+json naming every offending field by JSON pointer, and nothing is
 * stored. The property test throws random and mutated bodies at the endpoint: no 5xx, ever.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ OMNIGATE_BODY_LIMIT_BYTES: String(256 * 1024) }, { startWorkers: false });
});
afterAll(async () => gw.close());

/** The newest stored message id: it changes if and only if something was stored. */
async function storedCount(): Promise<string | undefined> {
  const res = await gw.api('GET', '/v1/messages?limit=1');
  return res.json.data[0]?.id;
}

async function expectProblem(body: unknown, status: number, pointers: string[]) {
  const before = await storedCount();
  const res = await gw.api('POST', '/v1/messages', body, { 'content-type': 'application/json' });
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json).toMatchObject({
    status,
    type: expect.stringContaining('https://'),
    title: expect.any(String),
  });
  expect(res.json.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([...pointers].sort());
  for (const e of res.json.errors) expect(e.rule).toEqual(expect.any(String));
  expect(await storedCount()).toBe(before);
  return res.json;
}

describe('bad input', () => {
  it('invalid JSON', async () => {
    await expectProblem('{"channel": "line", ', 400, ['']);
  });

  it('a body that is not JSON at all', async () => {
    const res = await gw.api('POST', '/v1/messages', 'channel=line', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.json.code).toBe('GW_UNSUPPORTED_MEDIA_TYPE');
  });

  it('the NUL character anywhere, in the body, the query or the path, naming where', async () => {
    const text = { type: 'text', text: 'fine' };
    const p = await expectProblem(
      { channel: 'line', to: LINE_USER, message: text, callbackData: 'a\u0000b' },
      400,
      ['/callbackData'],
    );
    expect(p.errors[0]).toMatchObject({ rule: 'noNulCharacter', detail: expect.stringContaining('U+0000') });
    await expectProblem({ channel: 'line', to: [LINE_USER, 'U\u0000'], message: text }, 400, ['/to/1']);
    await expectProblem({ channel: 'line', to: LINE_USER, message: { type: 'text', text: '\u0000' } }, 400, [
      '/message/text',
    ]);
    const query = await gw.api('GET', '/v1/messages?correlationId=a%00b');
    expect(query.status).toBe(400);
    expect(query.json.errors).toEqual([expect.objectContaining({ pointer: '/querystring/correlationId' })]);
    const path = await gw.api('GET', '/v1/contacts/ct%00x');
    expect(path.status).toBe(400);
    expect(path.json.errors).toEqual([expect.objectContaining({ pointer: '/params/id' })]);
  });

  it('a body nested far deeper than any message, with or without a NUL at the bottom, is a 400', async () => {
    // JSON.parse takes 50,000 levels; a recursive walk of them would overflow the stack (a 500).
    // The depth bound (32 levels) refuses both before anything recursive sees them.
    const depth = 50_000;
    const nested = (leaf: string) => `${'['.repeat(depth)}${JSON.stringify(leaf)}${']'.repeat(depth)}`;
    const body = (leaf: string) =>
      `{"channel":"line","to":"${LINE_USER}","message":{"type":"text","text":"x"},"callbackData":${nested(leaf)}}`;
    const tooDeep = [`/callbackData${'/0'.repeat(31)}`];
    expect((await expectProblem(body('\u0000'), 400, tooDeep)).errors[0].rule).toBe('maxDepth');
    expect((await expectProblem(body('fine'), 400, tooDeep)).errors[0].rule).toBe('maxDepth');
  });

  it('wrong types, naming each field', async () => {
    await expectProblem(
      { channel: 'line', to: 42, message: { type: 'text', text: 7 }, correlationId: true },
      400,
      ['/to', '/message/text', '/correlationId'],
    );
  });

  it('unknown channel', async () => {
    const p = await expectProblem(
      { channel: 'pigeon', to: 'x', message: { type: 'text', text: 'hi' } },
      400,
      ['/channel'],
    );
    expect(p.errors[0].detail).toContain('line');
  });

  it('missing fields', async () => {
    await expectProblem({ message: { type: 'text' } }, 400, ['/channel', '/to', '/message/text']);
  });

  it('unknown fields, at the top and inside the message', async () => {
    await expectProblem(
      { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'hi', colour: 'red' }, urgency: 1 },
      400,
      ['/message/colour', '/urgency'],
    );
  });

  it('an unknown message type', async () => {
    await expectProblem({ channel: 'line', to: LINE_USER, message: { type: 'hologram' } }, 400, [
      '/message/type',
    ]);
  });

  it('a carousel beyond what the channel can show', async () => {
    const card = (SAMPLE_MESSAGES.carousel as { cards: unknown[] }).cards[1];
    const p = await expectProblem(
      {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'carousel', cards: Array.from({ length: 13 }, () => card) },
      },
      422,
      ['/message/cards'],
    );
    expect(p.errors[0].rule).toBe('maxItems');
  });

  it('text over the channel limit', async () => {
    await expectProblem(
      { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'x'.repeat(5001) } },
      422,
      ['/message/text'],
    );
    await expectProblem(
      { channel: 'telegram', to: '12345', message: { type: 'text', text: 'x'.repeat(4097) } },
      422,
      ['/message/text'],
    );
  });

  it('1001 recipients', async () => {
    const to = Array.from({ length: 1001 }, () => LINE_USER);
    await expectProblem({ channel: 'line', to, message: { type: 'text', text: 'hi' } }, 400, ['/to']);
  });

  it('a recipient the channel cannot address, by index', async () => {
    await expectProblem(
      { channel: 'line', to: [LINE_USER, 'not-a-line-id'], message: { type: 'text', text: 'hi' } },
      400,
      ['/to/1'],
    );
  });

  it('an expiry already past', async () => {
    await expectProblem(
      {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'hi' },
        expiresAt: '2020-01-01T00:00:00Z',
      },
      400,
      ['/expiresAt'],
    );
  });

  it('a leap-second expiry, which JavaScript dates cannot hold', async () => {
    await expectProblem(
      {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'hi' },
        expiresAt: '2036-12-31T23:59:60Z',
      },
      400,
      ['/expiresAt'],
    );
    const list = await gw.api('GET', `/v1/messages?since=${encodeURIComponent('2016-12-31T23:59:60Z')}`);
    expect(list.status).toBe(400);
    expect(list.json.errors[0].pointer).toBe('/querystring/since');
  });

  it('channel options: a wrong type, a misspelt option, an unknown channel key', async () => {
    await expectProblem(
      {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'hi' },
        options: { line: { replyToken: 5, notificationDisabeld: true }, lnie: {} },
      },
      400,
      ['/options/line/replyToken', '/options/line/notificationDisabeld', '/options/lnie'],
    );
  });

  it('a body over the size limit', async () => {
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'x'.repeat(300 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('GW_BODY_TOO_LARGE');
  });

  it('a missing or wrong API key', async () => {
    const none = await gw.app.inject({ method: 'POST', url: '/v1/messages', payload: {} });
    expect(none.statusCode).toBe(401);
    const wrong = await gw.api('GET', '/v1/messages', undefined, { authorization: 'Bearer og_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('GW_UNAUTHORIZED');
  });

  it('never answers 5xx to random or mutated bodies, and stores nothing for a 4xx', async () => {
    const valid = { channel: 'line', to: LINE_USER, message: SAMPLE_MESSAGES.buttons };
    const mutate = fc
      .tuple(
        fc.constantFrom('channel', 'to', 'message', 'options', 'expiresAt', 'callbackUrl', 'from'),
        fc.anything(),
      )
      .map(([key, value]) => ({ ...valid, [key]: value }));
    const deepMutate = fc
      .tuple(fc.constantFrom('text', 'actions', 'header', 'title', 'type', 'footer'), fc.jsonValue())
      .map(([key, value]) => ({ ...valid, message: { ...valid.message, [key]: value } }));
    const body = fc.oneof(fc.jsonValue(), fc.anything(), mutate, deepMutate, fc.string());
    let fourXx = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        let payload: string;
        try {
          payload = typeof b === 'string' ? b : (JSON.stringify(b) ?? 'null');
        } catch {
          payload = String(b);
        }
        const before = await storedCount();
        const res = await gw.api('POST', '/v1/messages', payload, { 'content-type': 'application/json' });
        expect(res.status, payload.slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) {
          fourXx++;
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(await storedCount()).toBe(before);
        }
      }),
      { numRuns: 300, seed: 20261122 },
    );
    expect(fourXx).toBeGreaterThan(100);
  });
});
