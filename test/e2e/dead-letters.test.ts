/**
 * Dead letters: failed messages are listed with their last error, and a redrive sends them again
 * under the same ids with a fresh attempt budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { json, startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

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
      skipped: [{ id: 'msg_unknown', reason: 'no such message' }],
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
      skipped: [{ id: ids[0], reason: 'the message is sent, not failed' }],
    });
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
