import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { startWorkers: false });
});
afterAll(async () => gw.close());

const body = (text: string) => ({
  channel: 'line',
  to: [LINE_USER, LINE_USER],
  message: { type: 'text', text },
});

describe('Idempotency-Key', () => {
  it('answers a repeat with the first answer and stores nothing new', async () => {
    const first = await gw.api('POST', '/v1/messages', body('once'), { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    // Same body with keys in another order is the same request.
    const reordered = {
      message: { text: 'once', type: 'text' },
      to: [LINE_USER, LINE_USER],
      channel: 'line',
    };
    const again = await gw.api('POST', '/v1/messages', reordered, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const listed = await gw.api('GET', '/v1/messages?limit=200');
    expect(
      listed.json.data.filter((m: { message: { text: string } }) => m.message.text === 'once'),
    ).toHaveLength(2);
  });

  it('refuses the same key with another body with 422', async () => {
    await gw.api('POST', '/v1/messages', body('first'), { 'idempotency-key': 'k-2' });
    const other = await gw.api('POST', '/v1/messages', body('second'), { 'idempotency-key': 'k-2' });
    expect(other.status).toBe(422);
    expect(other.json.code).toBe('GW_IDEMPOTENCY_MISMATCH');
  });

  it('turns concurrent identical requests with one key into one set of messages', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        gw.api('POST', '/v1/messages', body('race'), { 'idempotency-key': 'k-race' }),
      ),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const ids = new Set(answers.flatMap((a) => a.json.messages.map((m: { id: string }) => m.id)));
    expect(ids.size).toBe(2);
    const listed = await gw.api('GET', '/v1/messages?limit=200');
    expect(
      listed.json.data.filter((m: { message: { text: string } }) => m.message.text === 'race'),
    ).toHaveLength(2);
  });

  it('does not remember a key whose request was refused', async () => {
    const bad = await gw.api(
      'POST',
      '/v1/messages',
      { ...body('x'), to: 'nope' },
      { 'idempotency-key': 'k-3' },
    );
    expect(bad.status).toBe(400);
    const good = await gw.api('POST', '/v1/messages', body('x'), { 'idempotency-key': 'k-3' });
    expect(good.status).toBe(202);
  });
});
