/**
 * Which events a send's own callbackUrl is told of: by default what tells the caller something
 * (sent, delivered, read, the failures, clicks), not `queued` (the 202 said so) nor `sending`;
 * `callbackEvents` chooses others, `*` all of them. An unknown event name is refused, named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { json, type Received, startServer } from '../support/http-server.ts';
import { until } from '../support/until.ts';

/** The fake Telegram refuses this chat for good and takes every other. */
const UNKNOWN_CHAT = '404404';
const CHAT = '12345';
const telegramOk = {
  ok: true,
  result: { message_id: 9, date: 1, chat: { id: 12345, type: 'private' }, text: 'x' },
};

let gw: TestGateway;
let provider: Awaited<ReturnType<typeof startServer>>;
let receiver: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  provider = await startServer((r, res) =>
    String(JSON.parse(r.body || '{}').chat_id) === UNKNOWN_CHAT
      ? json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' })
      : json(res, 200, telegramOk),
  );
  receiver = await startServer((_r, res) => res.writeHead(204).end());
  gw = await startTestGateway({ OMNIGATE_TELEGRAM_API_BASE: provider.url });
});
afterAll(async () => {
  await gw?.close();
  await receiver?.close();
  await provider?.close();
});

const send = (path: string, to: string | string[], extra: Record<string, unknown> = {}) =>
  gw.api('POST', '/v1/messages', {
    channel: 'telegram',
    to,
    message: { type: 'text', text: 'events' },
    callbackUrl: `${receiver.url}${path}`,
    ...extra,
  });

const at = (path: string): Received[] => receiver.received.filter((r) => r.url === path);
const types = (path: string) => at(path).map((r) => JSON.parse(r.body).type as string);

/** Waits for each message to end, then long enough for any callback still due to arrive. */
async function settled(ids: string[]) {
  for (const id of ids) await gw.waitForStatus(id, ['sent', 'failed']);
  // The notifier polls every 20 ms in tests; a callback written with the last status is out well within this.
  await new Promise((r) => setTimeout(r, 400));
}

describe('callbackEvents', () => {
  it('by default tells callbackUrl the outcome only, not queued nor sending', async () => {
    const res = await send('/default', CHAT);
    expect(res.status).toBe(202);
    const id = res.json.messages[0].id;
    await until(() => (at('/default').length > 0 ? true : undefined));
    await settled([id]);
    expect(types('/default')).toEqual(['message.sent']);
    const { json: message } = await gw.api('GET', `/v1/messages/${id}`);
    expect(message.callbackEvents).toEqual([
      'message.sent',
      'message.delivered',
      'message.read',
      'message.failed',
      'message.undelivered',
      'message.expired',
      'message.rejected',
      'message.clicked',
    ]);
  });

  it('with `*` tells every status change, queued and sending included', async () => {
    const res = await send('/all', CHAT, { callbackEvents: ['*'] });
    const id = res.json.messages[0].id;
    await until(() => (at('/all').length >= 3 ? true : undefined));
    await settled([id]);
    expect(types('/all')).toEqual(['message.queued', 'message.sending', 'message.sent']);
    expect((await gw.api('GET', `/v1/messages/${id}`)).json.callbackEvents).toEqual(['*']);
  });

  it('tells only the events named: a failure, and nothing for a message that was sent', async () => {
    const failing = await send('/failures', UNKNOWN_CHAT, { callbackEvents: ['message.failed'] });
    const fine = await send('/failures-ok', CHAT, { callbackEvents: ['message.failed'] });
    await until(() => (at('/failures').length > 0 ? true : undefined));
    await settled([failing.json.messages[0].id, fine.json.messages[0].id]);
    expect(types('/failures')).toEqual(['message.failed']);
    expect(types('/failures-ok')).toEqual([]);
  });

  it('applies to every recipient of a batch send', async () => {
    const res = await send('/batch', [CHAT, UNKNOWN_CHAT, '777'], {
      callbackEvents: ['message.failed', 'message.queued'],
    });
    const ids: string[] = res.json.messages.map((m: { id: string }) => m.id);
    await until(() => (at('/batch').length >= 4 ? true : undefined));
    await settled(ids);
    const told = at('/batch').map((r) => {
      const { type, data } = JSON.parse(r.body);
      return `${data.messageId} ${type}`;
    });
    expect(told.sort()).toEqual(
      [...ids.map((id) => `${id} message.queued`), `${ids[1]} message.failed`].sort(),
    );
  });

  it('refuses an unknown event name, naming it, and stores nothing', async () => {
    const before = (await gw.api('GET', '/v1/messages?limit=100')).json.data.length;
    const res = await send('/never', CHAT, { callbackEvents: ['message.delivrd'] });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      expect.objectContaining({ pointer: '/callbackEvents/0', rule: 'enum' }),
    ]);
    const twice = await send('/never', CHAT, { callbackEvents: ['message.sent', 'message.sent'] });
    expect(twice.status).toBe(400);
    expect(twice.json.errors).toEqual([expect.objectContaining({ pointer: '/callbackEvents' })]);
    expect((await gw.api('GET', '/v1/messages?limit=100')).json.data.length).toBe(before);
  });
});
