/**
 * Webhook subscriptions: status events of every message go to subscribed endpoints, signed with
 * each endpoint's secret (rotation overlaps old and new), a 410 disables the endpoint, and the
 * delivery log and replay let a receiver catch up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/webhooks/sign.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Received, startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';
import { until } from '../support/until.ts';

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
/** What the receiver answers, by path. */
const answers = new Map<string, number>();

beforeAll(async () => {
  gw = await startTestGateway();
  receiver = await startServer((req, res) => res.writeHead(answers.get(req.url) ?? 204).end());
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const at = (path: string) => receiver.received.filter((r) => r.url === path);
const headers = (r: Received) => r.headers as Record<string, string>;
const eventType = (r: Received) => JSON.parse(r.body).type as string;

async function sendLine(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await gw.api('POST', '/v1/messages', {
    channel: 'line',
    to: LINE_USER,
    message: { type: 'text', text: 'hello' },
    ...extra,
  });
  expect(res.status).toBe(202);
  return res.json.messages[0].id;
}

describe('webhook subscriptions', () => {
  it('delivers the events each endpoint subscribed to, signed with its own secret', async () => {
    const all = await gw.api('POST', '/v1/webhooks', {
      url: `${receiver.url}/all`,
      description: 'everything',
    });
    expect(all.status).toBe(201);
    expect(all.json).toMatchObject({
      events: ['*'],
      state: 'enabled',
      secret: expect.stringMatching(/^whsec_/),
    });
    const sentOnly = await gw.api('POST', '/v1/webhooks', {
      url: `${receiver.url}/sent`,
      events: ['message.sent'],
    });

    const id = await sendLine({ callbackUrl: `${receiver.url}/own` });
    const allEvents = await until(() => (at('/all').length >= 3 ? at('/all') : undefined));
    // Delivered concurrently, so in any order; the sequence number orders them.
    const bySequence = [...allEvents].sort(
      (x, y) => JSON.parse(x.body).data.sequence - JSON.parse(y.body).data.sequence,
    );
    expect(bySequence.map(eventType)).toEqual(['message.queued', 'message.sending', 'message.sent']);
    for (const r of allEvents) expect(verify(all.json.secret, headers(r), r.body)).toBe(true);
    const sent = await until(() => at('/sent')[0]);
    expect(eventType(sent)).toBe('message.sent');
    expect(verify(sentOnly.json.secret, headers(sent), sent.body)).toBe(true);
    expect(verify(all.json.secret, headers(sent), sent.body)).toBe(false);
    // One event, one webhook-id, wherever it goes.
    const own = await until(() => at('/own').find((r) => eventType(r) === 'message.sent'));
    expect(headers(own)['webhook-id']).toBe(headers(sent)['webhook-id']);
    expect(JSON.parse(sent.body).data.messageId).toBe(id);

    // The receiver has it; the notifier records the answer a moment later.
    const log = await until(async () => {
      const res = await gw.api('GET', `/v1/webhooks/${sentOnly.json.id}/deliveries`);
      return res.json.data[0]?.state === 'delivered' ? res : undefined;
    });
    expect(log.json.data).toHaveLength(1);
    expect(log.json.data[0]).toMatchObject({
      messageId: id,
      state: 'delivered',
      attempts: 1,
      lastStatus: 204,
    });

    await gw.api('DELETE', `/v1/webhooks/${all.json.id}`);
    await gw.api('DELETE', `/v1/webhooks/${sentOnly.json.id}`);
    expect((await gw.api('GET', '/v1/webhooks')).json.data).toEqual([]);
  });

  it('signs with both the new and the old secret while a rotation overlaps', async () => {
    const hook = await gw.api('POST', '/v1/webhooks', {
      url: `${receiver.url}/rotate`,
      events: ['message.sent'],
    });
    const rotated = await gw.api('POST', `/v1/webhooks/${hook.json.id}/rotate-secret`, {
      graceSeconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(hook.json.secret);
    await sendLine();
    const r = await until(() => at('/rotate')[0]);
    expect(headers(r)['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verify(rotated.json.secret, headers(r), r.body)).toBe(true);
    expect(verify(hook.json.secret, headers(r), r.body)).toBe(true);

    // With no grace the old secret stops signing at once.
    const again = await gw.api('POST', `/v1/webhooks/${hook.json.id}/rotate-secret`, { graceSeconds: 0 });
    await sendLine();
    const next = await until(() => at('/rotate')[1]);
    expect(verify(again.json.secret, headers(next), next.body)).toBe(true);
    expect(verify(rotated.json.secret, headers(next), next.body)).toBe(false);
    await gw.api('DELETE', `/v1/webhooks/${hook.json.id}`);
  });

  it('disables an endpoint that answers 410, and replays what it missed once re-enabled', async () => {
    answers.set('/gone', 410);
    const hook = await gw.api('POST', '/v1/webhooks', {
      url: `${receiver.url}/gone`,
      events: ['message.sent'],
    });
    await sendLine();
    const disabled = await until(async () => {
      const res = await gw.api('GET', `/v1/webhooks/${hook.json.id}`);
      return res.json.state === 'disabled' ? res.json : undefined;
    });
    expect(disabled.disabledReason).toMatch(/410/);
    expect(at('/gone')).toHaveLength(1);

    // Disabled: new events are not even queued for it.
    await sendLine();
    await new Promise((r) => setTimeout(r, 300));
    expect(at('/gone')).toHaveLength(1);
    const log = await gw.api('GET', `/v1/webhooks/${hook.json.id}/deliveries`);
    expect(log.json.data.map((d: { state: string }) => d.state)).toEqual(['failed']);

    answers.set('/gone', 200);
    const enabled = await gw.api('PATCH', `/v1/webhooks/${hook.json.id}`, { enabled: true });
    expect(enabled.json.state).toBe('enabled');
    const replay = await gw.api('POST', `/v1/webhooks/${hook.json.id}/replay`, {
      deliveryIds: [log.json.data[0].id],
    });
    expect(replay.json).toEqual({ replayed: 1 });
    const redelivered = await until(() => at('/gone')[1]);
    expect(headers(redelivered)['webhook-id']).toBe(headers(at('/gone')[0] as Received)['webhook-id']);
    await gw.api('DELETE', `/v1/webhooks/${hook.json.id}`);
  });

  it('names the field of a bad subscription and refuses private addresses', async () => {
    const badEvent = await gw.api('POST', '/v1/webhooks', {
      url: `${receiver.url}/x`,
      events: ['message.exploded'],
    });
    expect(badEvent.status).toBe(400);
    expect(badEvent.json.errors).toContainEqual(
      expect.objectContaining({ pointer: '/events/0', rule: 'enum' }),
    );
    const privateUrl = await gw.api('POST', '/v1/webhooks', { url: 'http://169.254.169.254/latest' });
    expect(privateUrl.status).toBe(400);
    expect(privateUrl.json.errors).toEqual([
      expect.objectContaining({ pointer: '/url', rule: 'public_address' }),
    ]);
    expect((await gw.api('GET', '/v1/webhooks/wh_nope')).status).toBe(404);
  });
});
