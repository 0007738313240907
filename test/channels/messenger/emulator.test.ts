/**
 * What the strict Send API emulator refuses, in Graph's envelope, the sandbox recipients that
 * provoke each failure class, and the signed receipts it sends after a message.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { messengerConnector as c } from '../../../src/channels/messenger/index.ts';
import { startServer } from '../../support/http-server.ts';
import { messenger, PSID, post } from './helpers.ts';

const TOKEN = c.sandboxCredentials['pageAccessToken'];
let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await messenger.buildSandbox());
});
afterAll(async () => app.close());

const call = (body: unknown, token: string | undefined = TOKEN) => post(app, messenger.prefix, body, token);
const text = (t: string, extra: Record<string, unknown> = {}) => ({
  recipient: { id: PSID },
  messaging_type: 'RESPONSE',
  message: { text: t },
  ...extra,
});
const graphError = (code: number, message: string | RegExp) =>
  expect.objectContaining({
    error: expect.objectContaining({
      code,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    }),
  });

describe('Messenger emulator', () => {
  it('answers a send with recipient_id and an m_ message id', async () => {
    const res = await call(text('hi'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      recipient_id: PSID,
      message_id: expect.stringMatching(/^m_[A-Za-z0-9_-]{40,}$/),
    });
  });

  it('takes the token as access_token too, and refuses a missing or wrong one', async () => {
    const q = await app.inject({
      method: 'POST',
      url: `${messenger.prefix}/v21.0/me/messages?access_token=${TOKEN}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(text('hi')),
    });
    expect(q.statusCode).toBe(200);
    expect((await post(app, messenger.prefix, text('hi'), undefined)).body).toEqual(
      graphError(2500, /active access token/),
    );
    const wrong = await call(text('hi'), 'EAAwrong');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(graphError(190, 'Invalid OAuth access token - Cannot parse access token'));
    expect(c.classify({ status: wrong.status, headers: {}, body: wrong.body })).toMatchObject({
      kind: 'permanent',
      code: 'messenger_190',
    });
  });

  it('refuses text over 2000 characters, counting code points', async () => {
    expect((await call(text('a'.repeat(2001)))).body).toEqual(
      graphError(100, '(#100) Length of param message[text] must be less than or equal to 2000'),
    );
    expect((await call(text('😀'.repeat(2000)))).status).toBe(200);
  });

  it('refuses a missing recipient, both or neither of message and sender_action, both text and attachment', async () => {
    expect((await call({ messaging_type: 'RESPONSE', message: { text: 'x' } })).body).toEqual(
      graphError(100, '(#100) The parameter recipient is required'),
    );
    expect((await call({ recipient: { id: PSID } })).body).toEqual(
      graphError(100, '(#100) The parameter message is required'),
    );
    expect((await call({ ...text('x'), sender_action: 'typing_on' })).status).toBe(400);
    const both = await call({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'x', attachment: { type: 'image', payload: { url: 'https://x.example/a.png' } } },
    });
    expect(both.body).toEqual(graphError(100, /exactly one of text or attachment/));
  });

  it('refuses a missing messaging_type, a tag without MESSAGE_TAG, MESSAGE_TAG without a tag, an undocumented tag', async () => {
    expect((await call({ recipient: { id: PSID }, message: { text: 'x' } })).body).toEqual(
      graphError(100, '(#100) The parameter messaging_type is required'),
    );
    expect((await call(text('x', { tag: 'HUMAN_AGENT' }))).status).toBe(400);
    expect((await call(text('x', { messaging_type: 'MESSAGE_TAG' }))).body).toEqual(
      graphError(100, /Tag is required/),
    );
    expect((await call(text('x', { messaging_type: 'MESSAGE_TAG', tag: 'SHIPPING_UPDATE' }))).body).toEqual(
      graphError(100, /must be one of \{ACCOUNT_UPDATE, .*\} - got "SHIPPING_UPDATE"/),
    );
    expect((await call(text('x', { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }))).status).toBe(200);
  });

  it('refuses 14 quick replies, a 21-character title, and an unknown field', async () => {
    const qr = (n: number, title = 'ok') =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title, payload: `P${i}` }));
    expect((await call({ ...text('x'), message: { text: 'x', quick_replies: qr(13) } })).status).toBe(200);
    expect((await call({ ...text('x'), message: { text: 'x', quick_replies: qr(14) } })).body).toEqual(
      graphError(100, /message\[quick_replies\] must have at most 13/),
    );
    expect(
      (await call({ ...text('x'), message: { text: 'x', quick_replies: qr(1, 'x'.repeat(21)) } })).body,
    ).toEqual(graphError(100, /message\[quick_replies\]\[0\]\[title\] must be less than or equal to 20/));
    expect((await call({ ...text('x'), colour: 'red' })).body).toEqual(graphError(100, /colour/));
  });

  it('refuses a generic template of 11 elements, 4 buttons, or an element with only a title', async () => {
    const generic = (elements: unknown[]) => ({
      ...text('x'),
      message: { attachment: { type: 'template', payload: { template_type: 'generic', elements } } },
    });
    const el = { title: 'T', subtitle: 'S' };
    expect((await call(generic(Array(10).fill(el)))).status).toBe(200);
    expect((await call(generic(Array(11).fill(el)))).body).toEqual(graphError(100, /must have at most 10/));
    const button = { type: 'postback', title: 'B', payload: 'P' };
    expect((await call(generic([{ ...el, buttons: Array(4).fill(button) }]))).body).toEqual(
      graphError(100, /\[buttons\] must have at most 3/),
    );
    expect((await call(generic([{ title: 'only' }]))).body).toEqual(graphError(100, /documented forms/));
  });

  it('answers each sandbox recipient class with its Graph error', async () => {
    const to = (id: string, extra: Record<string, unknown> = {}) =>
      call({ ...text('x', extra), recipient: { id } });
    expect((await to('9990000000000001')).body).toEqual(
      expect.objectContaining({ error: expect.objectContaining({ code: 100, error_subcode: 2018001 }) }),
    );
    expect((await to('5510000000000001')).body).toEqual(graphError(551, /isn't available/));
    expect((await to('2780000000000001')).body).toEqual(
      expect.objectContaining({ error: expect.objectContaining({ code: 10, error_subcode: 2018278 }) }),
    );
    expect(
      (await to('2780000000000001', { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' })).status,
    ).toBe(200);
    expect((await to('2000000000000001')).body).toEqual(graphError(200, /pages_messaging/));
    const throttled = await to('6130000000000001');
    expect(throttled.body).toEqual(graphError(613, /exceeded the rate limit/));
    expect(throttled.headers['x-business-use-case-usage']).toBeDefined();
    expect((await to('6130000000000001')).status).toBe(200);
    expect((await to('1200000000000001')).body).toEqual(graphError(1200, /Temporary send message failure/));
    expect((await to('1200000000000001')).status).toBe(200);
  });

  it('answers a sender action without a message id', async () => {
    const res = await call({ recipient: { id: PSID }, sender_action: 'mark_seen' });
    expect(res).toMatchObject({ status: 200, body: { recipient_id: PSID } });
    expect(res.body.message_id).toBeUndefined();
    expect((await call({ recipient: { id: PSID }, sender_action: 'react' })).status).toBe(400);
  });

  it('records requests without the token', async () => {
    const { app: a, recorder } = await messenger.buildSandbox();
    await post(a, messenger.prefix, text('recorded'), TOKEN);
    const [entry] = recorder.entries;
    expect(entry?.path).toBe('/v21.0/me/messages');
    expect(JSON.stringify(entry)).not.toContain(TOKEN);
    await a.close();
  });
});

describe('Messenger emulator receipts', () => {
  it('posts a signed delivery (mids + watermark), then a read watermark, after a send', async () => {
    const hook = await startServer((_req, res) => {
      res.writeHead(200).end('{}');
    });
    const { app: a } = await messenger.buildSandbox(hook.url);
    try {
      const sent = await post(a, messenger.prefix, text('receipts'), TOKEN);
      const mid = sent.body.message_id;
      const until = Date.now() + 3000;
      while (hook.received.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(hook.received).toHaveLength(2);
      for (const r of hook.received) {
        expect(r.headers['x-hub-signature-256']).toBe(
          signHubBody(r.body, c.sandboxCredentials['appSecret'] ?? ''),
        );
        expect(
          c.verifyInbound({ rawBody: Buffer.from(r.body), headers: r.headers }, c.sandboxCredentials),
        ).toBe(true);
      }
      const [delivery, read] = hook.received.map((r) => c.parseInbound(JSON.parse(r.body)));
      expect(delivery).toEqual([
        expect.objectContaining({ kind: 'status', providerMessageId: mid, status: 'delivered' }),
        expect.objectContaining({ kind: 'status_watermark', recipient: PSID, status: 'delivered' }),
      ]);
      expect(read).toEqual([
        expect.objectContaining({ kind: 'status_watermark', recipient: PSID, status: 'read' }),
      ]);
    } finally {
      await a.close();
      await hook.close();
    }
  });

  it('simulates a user message, quick-reply tap and postback as signed webhooks', async () => {
    const hook = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const { app: a } = await messenger.buildSandbox(hook.url);
    try {
      const sim = (body: unknown) =>
        a.inject({ method: 'POST', url: `${messenger.prefix}/_simulate/message`, payload: body as object });
      expect((await sim({ from: PSID, text: 'hello' })).json()).toEqual({ status: 200, body: { ok: true } });
      await sim({ from: PSID, text: 'Small', quickReply: 'SIZE_S' });
      await sim({ from: PSID, postback: 'TRACK_ORDER', title: 'Track' });
      expect((await sim({ from: 'nobody', text: 'x' })).statusCode).toBe(400);
      const events = hook.received.flatMap((r) => c.parseInbound(JSON.parse(r.body)));
      expect(events).toEqual([
        expect.objectContaining({ kind: 'message', from: PSID, text: 'hello', contentType: 'text' }),
        expect.objectContaining({ kind: 'postback', from: PSID, payload: 'SIZE_S' }),
        expect.objectContaining({ kind: 'postback', from: PSID, payload: 'TRACK_ORDER' }),
      ]);
      const noHook = await messenger.buildSandbox();
      const res = await noHook.app.inject({
        method: 'POST',
        url: `${messenger.prefix}/_simulate/message`,
        payload: { from: PSID, text: 'x' },
      });
      expect(res.statusCode).toBe(409);
      await noHook.app.close();
    } finally {
      await a.close();
      await hook.close();
    }
  });
});
