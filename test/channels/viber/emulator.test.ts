/**
 * The emulator refuses what Viber refuses, always with HTTP 200 and Viber's status codes, answers
 * the sentinel receivers, and posts signed delivered / seen / failed callbacks after a send.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signViberBody } from '../../../src/channels/viber/provider.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { base, bodyOf, buildSandbox, post, prefix, R, render, TOKEN } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await buildSandbox());
});
afterAll(async () => app.close());

const text = { ...base, type: 'text', text: 'x' };

describe('Viber emulator: refusals', () => {
  it('answers a missing or wrong auth token with status 2, over HTTP 200', async () => {
    expect(await post(app, text, '')).toMatchObject({
      http: 200,
      body: { status: 2, status_message: 'missing_auth_token' },
    });
    expect(await post(app, text, 'nope')).toMatchObject({
      http: 200,
      body: { status: 2, status_message: 'invalidAuthToken' },
    });
    expect(JSON.stringify(recorder.entries.at(-1)?.headers)).not.toContain('nope');
  });

  it('answers malformed JSON and wrong fields with 3 badData, missing ones with 4 missingData', async () => {
    const cases: Array<[unknown, number]> = [
      ['{"receiver":', 3],
      [{ ...text, text: 'x'.repeat(7001) }, 3],
      [{ receiver: R.user, type: 'text', text: 'x' }, 4],
      [{ ...base, type: 'text' }, 4],
      [{ ...text, sender: { name: 'n'.repeat(29) } }, 3],
      [{ ...base, type: 'gif' }, 3],
      [{ ...base, type: 'picture', text: '', media: 'https://x.example/a.webp' }, 3],
      [{ ...base, type: 'video', media: 'https://x.example/v.mp4' }, 4],
      [{ ...base, type: 'video', media: 'https://x.example/v.mov', size: 10 }, 3],
      [{ ...base, type: 'video', media: 'https://x.example/v.mp4', size: 27_262_977 }, 3],
      [{ ...base, type: 'file', media: 'https://x.example/setup.exe', size: 10, file_name: 'setup.exe' }, 3],
      [{ ...base, type: 'file', media: 'https://x.example/r.pdf', size: 10 }, 4],
      [{ ...base, type: 'url', media: `https://x.example/${'p'.repeat(2000)}` }, 3],
      [{ ...text, keyboard: { Type: 'keyboard', Buttons: [{ ActionType: 'call', ActionBody: '1' }] } }, 3],
      [
        {
          ...text,
          keyboard: { Type: 'keyboard', Buttons: [{ ActionType: 'reply', ActionBody: 'a', Rows: 3 }] },
        },
        3,
      ],
    ];
    for (const [body, status] of cases) {
      const res = await post(app, body);
      expect(res.http).toBe(200);
      expect(res.body.status, JSON.stringify(body).slice(0, 200)).toBe(status);
    }
  });

  it('accepts a message at 7000 characters and a file with a safe extension', async () => {
    expect((await post(app, { ...text, text: 'x'.repeat(7000) })).body.status).toBe(0);
    expect(
      (
        await post(app, {
          ...base,
          type: 'file',
          media: 'https://x.example/r.pdf',
          size: 10,
          file_name: 'r.pdf',
        })
      ).body.status,
    ).toBe(0);
  });

  it('refuses rich media under min_api_version 2, an overflowing card and more than 6 cards', async () => {
    const rm = bodyOf(render(SAMPLE_MESSAGES.carousel));
    expect((await post(app, { ...rm, sender: { name: 'B' }, min_api_version: 1 })).body.status).toBe(14);
    const cell = { Columns: 6, Rows: 7, ActionType: 'none', ActionBody: 'none' };
    const richMedia = (cells: unknown[]) => ({
      ...base,
      min_api_version: 2,
      type: 'rich_media',
      rich_media: {
        Type: 'rich_media',
        ButtonsGroupColumns: 6,
        ButtonsGroupRows: 7,
        BgColor: '#FFFFFF',
        Buttons: cells,
      },
    });
    expect((await post(app, richMedia(Array(6).fill(cell)))).body.status).toBe(0);
    expect((await post(app, richMedia(Array(7).fill(cell)))).body).toMatchObject({
      status: 3,
      status_message: expect.stringContaining('7 cards'),
    });
    expect(
      (
        await post(
          app,
          richMedia([
            { ...cell, Rows: 4 },
            { ...cell, Rows: 4 },
          ]),
        )
      ).body.status,
    ).toBe(3);
    expect((await post(app, richMedia([{ ...cell, Rows: 6 }]))).body.status).toBe(3);
  });

  it('answers the sentinel receivers with their statuses; status12 only every other call', async () => {
    const statuses = [];
    for (const receiver of [R.notRegistered, R.notSubscribed, R.accountBlocked, R.noSuitableDevice]) {
      statuses.push((await post(app, { ...text, receiver })).body.status);
    }
    expect(statuses).toEqual([5, 6, 7, 11]);
    expect((await post(app, { ...text, receiver: R.tooManyRequests })).body).toMatchObject({
      status: 12,
      status_message: 'Too many requests',
    });
    expect((await post(app, { ...text, receiver: R.tooManyRequests })).body.status).toBe(0);
    expect((await post(app, { ...text, receiver: 'not-a-viber-id' })).body.status).toBe(6);
  });
});

describe('Viber emulator: success and callbacks', () => {
  let hook: Server;
  let url: string;
  const received: Array<{ raw: string; signature: string | undefined; at: number }> = [];
  let withHook: FastifyInstance;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const signature = req.headers['x-viber-content-signature'];
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          signature: typeof signature === 'string' ? signature : undefined,
          at: Date.now(),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    ({ app: withHook } = await buildSandbox(url));
  });
  afterAll(async () => {
    await withHook.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  const until = async (n: number) => {
    for (let i = 0; i < 100 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("answers Viber's success body with a 64-bit token written as a bare number", async () => {
    const res = await withHook.inject({
      method: 'POST',
      url: `${prefix}/pa/send_message`,
      headers: { 'content-type': 'application/json', 'x-viber-auth-token': TOKEN },
      payload: JSON.stringify(text),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/"message_token":\d{19}[,}]/);
    expect(res.json()).toMatchObject({
      status: 0,
      status_message: 'ok',
      chat_hostname: expect.any(String),
      billing_status: 0,
    });
    await until(2);
    const token = /"message_token":(\d+)/.exec(res.body)?.[1];
    const events = received.splice(0).map((r) => {
      expect(r.signature).toBe(signViberBody(r.raw, TOKEN));
      expect(r.raw).toContain(`"message_token":${token}`);
      return JSON.parse(r.raw) as { event: string; user_id: string };
    });
    expect(events.map((e) => e.event)).toEqual(['delivered', 'seen']);
    expect(events[0]?.user_id).toBe(R.user);
  });

  it('reports `failed` after accepting a message to the failing receiver', async () => {
    expect((await post(withHook, { ...text, receiver: R.failsAfterAccept })).body.status).toBe(0);
    await until(1);
    await new Promise((r) => setTimeout(r, 80));
    const events = received.splice(0).map((r) => JSON.parse(r.raw) as { event: string; desc?: string });
    expect(events).toEqual([expect.objectContaining({ event: 'failed', desc: 'message validation failed' })]);
  });

  it('sends no callbacks for a refused message', async () => {
    expect((await post(withHook, { ...text, receiver: R.notSubscribed })).body.status).toBe(6);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);
  });

  it('plays the person with a signed message callback', async () => {
    const res = await withHook.inject({
      method: 'POST',
      url: `${prefix}/_simulate/message`,
      payload: { from: R.user, text: 'hi bot' },
    });
    expect(res.statusCode).toBe(200);
    const [got] = received.splice(0);
    expect(got?.signature).toBe(signViberBody(got?.raw ?? '', TOKEN));
    expect(JSON.parse(got?.raw ?? '{}')).toMatchObject({
      event: 'message',
      sender: { id: R.user },
      message: { type: 'text', text: 'hi bot' },
    });
    const bad = await withHook.inject({
      method: 'POST',
      url: `${prefix}/_simulate/message`,
      payload: { from: 'x', text: 'y' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lists what it answered, by receiver', async () => {
    const res = await withHook.inject({
      method: 'GET',
      url: `${prefix}/_requests?to=${encodeURIComponent(R.failsAfterAccept)}`,
    });
    const data = res.json().data as Array<{ body: { receiver: string }; response: { status: number } }>;
    expect(data.length).toBe(1);
    expect(data[0]?.response.status).toBe(0);
  });
});
