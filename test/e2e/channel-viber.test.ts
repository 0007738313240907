/**
 * Viber end to end through the public API: every kind Viber carries reaches the strict emulator,
 * becomes `sent`, then `delivered` and `read` through the emulator's signed callbacks; late
 * receipts never move a status back; callbacks are verified on their raw bytes; the sentinel
 * receivers end as classify says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIBER_SANDBOX_RECEIVERS as R } from '../../src/channels/viber/emulator/receivers.ts';
import { viberConnector } from '../../src/channels/viber/index.ts';
import { signViberBody } from '../../src/channels/viber/provider.ts';
import { MESSAGE_KINDS } from '../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
const token = viberConnector.sandboxCredentials.authToken ?? '';

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const sendTo = (to: string, message: unknown, options?: unknown) =>
  gw.sendAccepted('viber', to, message, options);

/** A callback as Viber posts it: the token a bare 64-bit number, the raw bytes signed. */
const callback = (event: Record<string, unknown>, providerMessageId: string, signature?: string) => {
  const raw = `${JSON.stringify(event).slice(0, -1)},"message_token":${providerMessageId}}`;
  return gw.postWebhook(
    'viber',
    raw,
    signature !== '' ? { 'x-viber-content-signature': signature ?? signViberBody(raw, token) } : {},
  );
};

describe('Viber end to end', () => {
  it('sends every kind Viber carries; each is sent, then delivered and read by signed callbacks', async () => {
    const kinds = MESSAGE_KINDS.filter(
      (k) => k !== 'raw' && viberConnector.capabilities[k].support !== 'refused',
    );
    expect(kinds.length).toBeGreaterThanOrEqual(9);
    const ids = new Map<string, string>();
    for (const kind of kinds) ids.set(kind, await sendTo(R.user, SAMPLE_MESSAGES[kind]));
    ids.set(
      'file',
      await sendTo(
        R.user,
        { type: 'media', mediaType: 'file', url: 'https://cdn.example.com/r.pdf' },
        { mediaSize: 2048 },
      ),
    );
    ids.set(
      'video',
      await sendTo(
        R.user,
        { type: 'media', mediaType: 'video', url: 'https://cdn.example.com/v.mp4', durationMs: 9000 },
        { mediaSize: 4096 },
      ),
    );
    for (const [kind, id] of ids) {
      const done = await gw.waitForStatus(id, ['read', 'failed']);
      expect(done.status, `${kind}: ${JSON.stringify(done.events)}`).toBe('read');
      expect(statusesOf(done)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
      expect(done.providerMessageId).toMatch(/^\d{19}$/);
      expect(JSON.stringify(done.providerRequest)).not.toContain(token);
    }
    const recorded = gw.requests('viber', R.user);
    expect(
      recorded.filter((r) => (r.response as { status: number }).status === 0).length,
    ).toBeGreaterThanOrEqual(ids.size);
  });

  it('keeps read when a delivered callback arrives late, and fails a message Viber reports failed', async () => {
    const id = await sendTo(R.user, { type: 'text', text: 'late receipt' });
    const read = await gw.waitForStatus(id, ['read']);
    const late = await callback(
      { event: 'delivered', timestamp: Date.now(), user_id: R.user },
      String(read.providerMessageId),
    );
    expect(late.statusCode).toBe(200);
    expect((await gw.api('GET', `/v1/messages/${id}`)).json.status).toBe('read');

    const failing = await sendTo(R.failsAfterAccept, { type: 'text', text: 'will fail on the device' });
    const failed = await gw.waitForStatus(failing, ['failed']);
    expect(JSON.stringify(failed.events)).toContain('message validation failed');
  });

  it('refuses callbacks with a bad or missing signature', async () => {
    // A subscription names no message, so the gateway does not wait for one to appear.
    const event = { event: 'subscribed', timestamp: Date.now(), user: { id: R.user, name: 'Ann' } };
    expect((await callback(event, '123', 'ab'.repeat(32))).statusCode).toBe(401);
    expect((await callback(event, '123', '')).statusCode).toBe(401);
    const good = await callback(event, '123');
    expect(good.statusCode).toBe(200);
    const events = await gw.inbound();
    expect(events.filter((e) => e.kind === 'other' && e.event.type === 'subscribed')).toHaveLength(1);
  });

  it("fails the sentinel receivers with Viber's reason, and retries through tooManyRequests", async () => {
    const notSubscribed = await gw.waitForStatus(await sendTo(R.notSubscribed, { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(notSubscribed.status).toBe('failed');
    expect(JSON.stringify(notSubscribed)).toContain('receiverNotSubscribed');
    const throttled = await gw.waitForStatus(
      await sendTo(R.tooManyRequests, { type: 'text', text: 'y' }),
      ['read', 'failed'],
      15_000,
    );
    expect(throttled.status).toBe('read');
    expect(JSON.stringify(throttled.events)).toContain('tooManyRequests');
  });

  it('records a simulated message, and maps a typed number to the list choice', async () => {
    const listId = await sendTo(R.user, SAMPLE_MESSAGES.list);
    await gw.waitForStatus(listId, ['sent', 'delivered', 'read']);
    for (const text of ['hello viber', '2']) {
      const res = await gw.simulate('viber', { from: R.user, text });
      expect(res.statusCode, res.body).toBe(200);
    }
    const events = await gw.inbound();
    expect(
      events.some((e) => e.kind === 'message' && e.event.text === 'hello viber' && e.event.from === R.user),
    ).toBe(true);
    const sections = (SAMPLE_MESSAGES.list as { sections: Array<{ rows: Array<{ id: string }> }> }).sections;
    const second = sections.flatMap((s) => s.rows)[1]?.id;
    expect(events.some((e) => e.kind === 'postback' && e.event.payload === second)).toBe(true);
  });
});
