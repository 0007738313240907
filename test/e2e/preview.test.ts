/**
 * POST /v1/messages/preview: the provider request a send would produce, per channel, with nothing
 * stored or sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src/channels/registry.ts';
import { SANDBOX_RECIPIENTS } from '../../src/sandbox/sample-recipients.ts';
import { kindVariants } from '../fixtures/kind-variants.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const sentSoFar = async () => (await gw.api('GET', '/v1/messages?limit=100')).json.data.length;

describe('message preview', () => {
  it('gives, for one channel, exactly the request a send stores, and stores and sends nothing', async () => {
    const body = { channel: 'telegram', to: TELEGRAM_CHAT, message: SAMPLE_MESSAGES.carousel };
    const before = await sentSoFar();
    const requestsBefore = gw.recorder!.list('telegram').length;
    const preview = await gw.api('POST', '/v1/messages/preview', body);
    expect(preview.status).toBe(200);
    expect(preview.json.previews).toHaveLength(1);
    const [p] = preview.json.previews;
    expect(p).toMatchObject({ channel: 'telegram', support: 'degraded' });
    expect(p.recipients[0].degradations.map((d: { rule: string }) => d.rule)).toContain(
      'telegram_no_carousel',
    );
    expect(await sentSoFar()).toBe(before);
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.recorder!.list('telegram').length).toBe(requestsBefore);

    const sent = await gw.api('POST', '/v1/messages', body);
    const stored = await gw.waitForStatus(sent.json.messages[0].id, ['sent', 'failed']);
    expect(stored.status).toBe('sent');
    expect(p.recipients[0].request).toEqual(stored.providerRequest);
    expect(p.recipients[0].degradations).toEqual(stored.degradations);
  });

  it('answers a refusal for one channel exactly as a send would', async () => {
    const body = { channel: 'line', to: LINE_USER, message: SAMPLE_MESSAGES.template };
    const preview = await gw.api('POST', '/v1/messages/preview', body);
    const send = await gw.api('POST', '/v1/messages', body);
    expect(preview.status).toBe(422);
    expect(send.status).toBe(422);
    expect(preview.json.code).toBe(send.json.code);
    expect(preview.json.errors).toEqual(send.json.errors);

    const tooLong = { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'x'.repeat(5001) } };
    const p2 = await gw.api('POST', '/v1/messages/preview', tooLong);
    const s2 = await gw.api('POST', '/v1/messages', tooLong);
    expect(p2.status).toBe(422);
    expect([p2.json.code, p2.json.type]).toEqual([s2.json.code, s2.json.type]);
    expect(p2.json.errors).toEqual(s2.json.errors);
  });

  it('compares every channel side by side when no channel is given, with a placeholder recipient', async () => {
    const res = await gw.api('POST', '/v1/messages/preview', { message: SAMPLE_MESSAGES.list });
    expect(res.status).toBe(200);
    const byChannel = Object.fromEntries(res.json.previews.map((p: { channel: string }) => [p.channel, p]));
    expect(Object.keys(byChannel).sort()).toEqual([...CHANNEL_NAMES].sort());
    for (const p of res.json.previews) {
      expect(['native', 'degraded', 'refused', 'invalid']).toContain(p.support);
      if (p.support === 'refused') expect(p.reason).toEqual(expect.any(String));
      if (p.support === 'native' || p.support === 'degraded') {
        expect(p.recipients[0].to).toBe('{recipient}');
        expect(p.recipients[0].degradations.length > 0).toBe(p.support === 'degraded');
      }
    }
    expect(byChannel.telegram.support).toBe('degraded');
  });

  it('names the field and rule of a bad preview body, and checks recipients only when given', async () => {
    const bad = await gw.api('POST', '/v1/messages/preview', { message: { type: 'text' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toContainEqual(
      expect.objectContaining({ pointer: '/message/text', rule: 'required' }),
    );

    const badTo = await gw.api('POST', '/v1/messages/preview', {
      channel: 'line',
      to: 'not-a-line-user',
      message: { type: 'text', text: 'hi' },
    });
    expect(badTo.status).toBe(400);
    expect(badTo.json.errors).toContainEqual(expect.objectContaining({ pointer: '/to', rule: 'recipient' }));

    const all = await gw.api('POST', '/v1/messages/preview', {
      to: 'not-a-line-user',
      message: { type: 'text', text: 'hi' },
    });
    const line = all.json.previews.find((p: { channel: string }) => p.channel === 'line');
    expect(line.support).toBe('invalid');
    expect(line.errors).toContainEqual(expect.objectContaining({ pointer: '/to', rule: 'recipient' }));
  });
});

/** Headers that differ on every send by design: LINE's idempotency key is a fresh UUID per message. */
const PER_SEND_HEADERS = new Set(['x-line-retry-key']);

/** The preview's path as a pattern: each `{placeholder}` stands for the secret filled in at send time. */
const pathPattern = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[A-Za-z]+\}/g, '[^/?&]+')}$`);

describe('the preview is the request the provider then receives', () => {
  it.each(CHANNEL_NAMES)('%s: body, path and headers as sent from the default account', async (channel) => {
    for (const [i, message] of [
      { type: 'text', text: 'Hello from the preview' },
      kindVariants('quick_replies', channel)[0]!.message,
    ].entries()) {
      const to = SANDBOX_RECIPIENTS[channel]!(500 + i);
      const body = { channel, to, message };
      const preview = await gw.api('POST', '/v1/messages/preview', body);
      expect(preview.status, JSON.stringify(preview.json)).toBe(200);
      const [p] = preview.json.previews;
      expect(p.account).toBe(gw.accountId(channel));
      const previewed = p.recipients[0].request;

      const sent = await gw.api('POST', '/v1/messages', body);
      // Emulators answer with receipts at once: a message may be read before it is looked at.
      const stored = await gw.waitForStatus(sent.json.messages[0].id, [
        'sent',
        'delivered',
        'read',
        'failed',
      ]);
      expect(stored.status).not.toBe('failed');
      const recorded = gw.requests(channel, to).at(-1)!;
      expect(recorded.body).toEqual(previewed.body);
      expect(recorded.path).toMatch(pathPattern(previewed.path));
      for (const [name, value] of Object.entries(previewed.headers ?? {})) {
        if (!PER_SEND_HEADERS.has(name.toLowerCase()))
          expect(recorded.headers[name.toLowerCase()]).toBe(value);
      }
    }
  });

  it("shows Viber's sender from the account, and a send's own sender over it", async () => {
    const to = SANDBOX_RECIPIENTS.viber!(600);
    const text = { type: 'text', text: 'hi' };
    const fromAccount = await gw.api('POST', '/v1/messages/preview', { channel: 'viber', to, message: text });
    expect(fromAccount.json.previews[0].recipients[0].request.body.sender).toEqual({
      name: 'Omnigate Sandbox',
    });
    const own = await gw.api('POST', '/v1/messages/preview', {
      channel: 'viber',
      to,
      message: text,
      options: { viber: { senderName: 'Shop' } },
    });
    expect(own.json.previews[0].recipients[0].request.body.sender).toEqual({ name: 'Shop' });
    const side = await gw.api('POST', '/v1/messages/preview', { message: text });
    const viber = side.json.previews.find((p: { channel: string }) => p.channel === 'viber');
    expect(viber.recipients[0].request.body.sender).toEqual({ name: 'Omnigate Sandbox' });
  });

  it('previews from the account a send names, and refuses one that does not exist as the send does', async () => {
    const body = {
      channel: 'viber',
      from: 'acc_missing',
      to: SANDBOX_RECIPIENTS.viber!(601),
      message: { type: 'text', text: 'hi' },
    };
    const preview = await gw.api('POST', '/v1/messages/preview', body);
    const send = await gw.api('POST', '/v1/messages', body);
    expect(preview.status).toBe(send.status);
    expect([preview.json.code, preview.json.errors]).toEqual([send.json.code, send.json.errors]);
    const named = await gw.api('POST', '/v1/messages/preview', { ...body, from: gw.accountId('viber') });
    expect(named.json.previews[0].account).toBe(gw.accountId('viber'));
  });
});
