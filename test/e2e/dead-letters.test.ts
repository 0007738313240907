/**
 * Dead letters: failed messages are listed with their last error, and a redrive sends them again
 * under the same ids with a fresh attempt budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { json, startServer } from '../support/http-server.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../support/recipients.ts';

let gw: TestGateway;
let provider: Awaited<ReturnType<typeof startServer>>;
/** While true the fake LINE refuses every push, as LINE does a bad request. */
let refusing = true;

beforeAll(async () => {
  provider = await startServer((_r, res) =>
    refusing
      ? json(res, 400, {
          message: 'The request body has 1 error(s)',
          details: [{ message: 'bad', property: 'to' }],
        })
      : json(res, 200, { sentMessages: [{ id: '777', quoteToken: 'q' }] }),
  );
  gw = await startTestGateway({ OMNIGATE_LINE_API_BASE: provider.url });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});

describe('dead letters', () => {
  it('lists failed messages with the reason and redrives them under the same id', async () => {
    const ids: string[] = [];
    for (const text of ['one', 'two']) {
      const res = await gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text },
      });
      ids.push(res.json.messages[0].id);
    }
    for (const id of ids) expect((await gw.waitForStatus(id, ['failed', 'sent'])).status).toBe('failed');

    const listed = await gw.api('GET', '/v1/dead-letters?channel=line&limit=1');
    expect(listed.status).toBe(200);
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.data[0]).toMatchObject({ id: ids[1], status: 'failed' });
    expect(listed.json.data[0].statusReason).toMatch(/1 error/);
    const next = await gw.api('GET', `/v1/dead-letters?limit=1&cursor=${listed.json.nextCursor}`);
    expect(next.json.data.map((m: { id: string }) => m.id)).toEqual([ids[0]]);

    refusing = false;
    const redrive = await gw.api('POST', '/v1/dead-letters/redrive', { messageIds: [ids[0], 'msg_unknown'] });
    expect(redrive.status).toBe(200);
    expect(redrive.json).toEqual({
      redriven: [ids[0]],
      skipped: [{ id: 'msg_unknown', code: 'not_found', reason: 'no such message' }],
    });

    const done = await gw.waitForStatus(ids[0] as string, ['sent']);
    expect(done.providerMessageId).toBe('777');
    const statuses = (done.events as Array<{ status: string; code?: string }>).map(
      (e) => `${e.status}${e.code ? `:${e.code}` : ''}`,
    );
    expect(statuses.slice(-4)).toEqual(['failed:line_bad_request', 'queued:redriven', 'sending', 'sent']);

    // The other one is still a dead letter; the redriven one is not, and cannot be redriven twice.
    const after = await gw.api('GET', '/v1/dead-letters');
    expect(after.json.data.map((m: { id: string }) => m.id)).toEqual([ids[1]]);
    const again = await gw.api('POST', '/v1/dead-letters/redrive', { messageIds: [ids[0]] });
    expect(again.json).toEqual({
      redriven: [],
      skipped: [{ id: ids[0], code: 'not_failed', reason: 'the message is sent, not failed' }],
    });
  });

  it('does not resend a maybe-sent message unless asked to, and says why it skipped it', async () => {
    // A Telegram that takes every message and never answers (the connection is cut), until told.
    let answering = false;
    const telegram = await startServer((_r, res) =>
      answering
        ? json(res, 200, { ok: true, result: { message_id: 5, chat: { id: Number(TELEGRAM_CHAT) } } })
        : res.socket?.destroy(),
    );
    const tg = await startTestGateway({ OMNIGATE_TELEGRAM_API_BASE: telegram.url });
    try {
      const id = await tg.sendAccepted('telegram', TELEGRAM_CHAT, { type: 'text', text: 'maybe' });
      const failed = await tg.waitForStatus(id, ['failed', 'sent']);
      expect(failed.status).toBe('failed');
      const events = failed.events as Array<{ status: string; code?: string }>;
      expect(events.at(-1)?.code).toBe('maybe_sent');
      const tries = telegram.received.length;

      answering = true;
      const plain = await tg.api('POST', '/v1/dead-letters/redrive', { messageIds: [id] });
      expect(plain.status).toBe(200);
      expect(plain.json.redriven).toEqual([]);
      expect(plain.json.skipped).toEqual([
        { id, code: 'maybe_sent', reason: expect.stringMatching(/includeMaybeSent/) },
      ]);
      await new Promise((r) => setTimeout(r, 300));
      expect(telegram.received).toHaveLength(tries);
      expect((await tg.api('GET', `/v1/messages/${id}`)).json.status).toBe('failed');

      const asked = await tg.api('POST', '/v1/dead-letters/redrive', {
        messageIds: [id],
        includeMaybeSent: true,
      });
      expect(asked.json).toEqual({ redriven: [id], skipped: [] });
      const sent = await tg.waitForStatus(id, ['sent']);
      expect(sent.providerMessageId).toBe(`${TELEGRAM_CHAT}:5`);
      expect(telegram.received).toHaveLength(tries + 1);
      const redriven = (sent.events as Array<{ code?: string; detail?: unknown }>).find(
        (e) => e.code === 'redriven',
      );
      expect(redriven?.detail).toEqual({ maybeSent: true });
    } finally {
      await tg.close();
      await telegram.close();
    }
  });

  it('names the field of a bad redrive request', async () => {
    const res = await gw.api('POST', '/v1/dead-letters/redrive', { messageIds: [] });
    expect(res.status).toBe(400);
    expect(res.json.errors).toContainEqual(
      expect.objectContaining({ pointer: '/messageIds', rule: 'minItems' }),
    );
    const tooMany = await gw.api('POST', '/v1/dead-letters/redrive', {
      messageIds: Array.from({ length: 1001 }, (_, i) => `msg_${i}`),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toContainEqual(
      expect.objectContaining({ pointer: '/messageIds', rule: 'maxItems' }),
    );
  });
});
