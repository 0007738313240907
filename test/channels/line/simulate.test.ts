/**
 * The emulator playing a user: a signed webhook reaches a real HTTP receiver, which verifies it
 * with the connector, and the reply token it carries works once against the emulator.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineConnector } from '../../../src/channels/line/index.ts';
import type { InboundEvent } from '../../../src/core/vocabulary/channel.ts';
import { buildSandbox, send, USER } from './helpers.ts';

let receiver: FastifyInstance;
let sandbox: FastifyInstance;
const received: InboundEvent[][] = [];

beforeAll(async () => {
  receiver = Fastify();
  receiver.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });
  receiver.post('/inbound/line', async (req, reply) => {
    const rawBody = req.body as Buffer;
    if (!lineConnector.verifyInbound({ rawBody, headers: req.headers }, lineConnector.sandboxCredentials)) {
      return reply.code(401).send({ error: 'bad signature' });
    }
    received.push(lineConnector.parseInbound(JSON.parse(rawBody.toString('utf8'))));
    return { ok: true };
  });
  const address = await receiver.listen({ port: 0, host: '127.0.0.1' });
  ({ app: sandbox } = await buildSandbox(`${address}/inbound/line`));
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

const simulate = (payload: unknown) =>
  sandbox.inject({
    method: 'POST',
    url: '/sandbox/line/_simulate/message',
    payload: payload as Record<string, unknown>,
  });

describe('LINE emulator: simulated user', () => {
  it('posts a signed text message event the gateway can verify and parse', async () => {
    const res = await simulate({ from: USER, text: 'Hi there' });
    expect(res.statusCode).toBe(200);
    const out = res.json() as { webhook: { status: number; body: unknown }; replyToken: string };
    expect(out.webhook).toEqual({ status: 200, body: { ok: true } });
    expect(received.at(-1)).toEqual([
      expect.objectContaining({
        kind: 'message',
        from: USER,
        text: 'Hi there',
        contentType: 'text',
        replyToken: out.replyToken,
      }),
    ]);

    const { request } = lineConnector.render(
      { type: 'text', text: 'Hello back' },
      { to: USER, retryKey: crypto.randomUUID(), options: { replyToken: out.replyToken } },
    );
    expect((await send(sandbox, request)).status).toBe(200);
    const again = await send(sandbox, request);
    expect(again).toMatchObject({ status: 400, body: { message: 'Invalid reply token' } });
  });

  it('posts a postback event', async () => {
    const res = await simulate({ from: USER, postback: 'BUY_SHIRT' });
    expect(res.statusCode).toBe(200);
    expect(received.at(-1)).toEqual([
      expect.objectContaining({ kind: 'postback', from: USER, payload: 'BUY_SHIRT' }),
    ]);
  });

  it('refuses a malformed simulation and needs a webhook URL', async () => {
    expect((await simulate({ from: 'bob', text: 'x' })).statusCode).toBe(400);
    expect((await simulate({ from: USER })).statusCode).toBe(400);
    const { app } = await buildSandbox();
    const res = await app.inject({
      method: 'POST',
      url: '/sandbox/line/_simulate/message',
      payload: { from: USER, text: 'x' },
    });
    expect(res.statusCode).toBe(409);
    await app.close();
  });
});
