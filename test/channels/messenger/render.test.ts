/**
 * Messenger renders every kind it carries to the Send API's exact wire format, and the strict
 * emulator accepts what is rendered.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerConnector as c } from '../../../src/channels/messenger/index.ts';
import { type CanonicalMessage, MESSAGE_KINDS } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { messenger, PSID } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await messenger.buildSandbox());
});
afterAll(async () => app.close());

const render = (message: CanonicalMessage, options?: Record<string, unknown>) =>
  c.render(message, { to: PSID, retryKey: 'k', ...(options ? { options } : {}) });

describe('Messenger render', () => {
  for (const kind of MESSAGE_KINDS.filter((k) => k !== 'raw' && c.capabilities[k].support !== 'refused')) {
    it(`renders ${kind} so the emulator accepts it, degradations recorded where degraded`, async () => {
      const message = SAMPLE_MESSAGES[kind];
      expect(c.check(message)).toEqual([]);
      const r = render(message);
      const res = await messenger.send(app, r.request);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(c.classify(res).kind).toBe('sent');
      if (c.capabilities[kind].support === 'degraded') expect(r.degradations.length).toBeGreaterThan(0);
    });
  }

  it('renders text with the default messaging_type and never holds the token', () => {
    const r = render({ type: 'text', text: 'Hi' });
    expect(r.request).toEqual({
      method: 'POST',
      path: '/v21.0/me/messages',
      body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hi' } },
    });
    const auth = c.authorize(r.request, c.sandboxCredentials);
    expect(auth.headers['authorization']).toBe(`Bearer ${c.sandboxCredentials['pageAccessToken']}`);
    expect(JSON.stringify(r.request)).not.toContain(c.sandboxCredentials['pageAccessToken']);
  });

  it('puts a message tag and notification type on the envelope', () => {
    const r = render(
      { type: 'text', text: 'Your order shipped' },
      { messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', notificationType: 'SILENT_PUSH' },
    );
    expect(r.request.body).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
      notification_type: 'SILENT_PUSH',
    });
  });

  it('renders media by URL (reusable) and by attachment id, dropping the caption on record', () => {
    const byUrl = render(SAMPLE_MESSAGES.media);
    expect((byUrl.request.body as { message: unknown }).message).toEqual({
      attachment: { type: 'image', payload: { url: 'https://cdn.example.com/pic.jpg', is_reusable: true } },
    });
    expect(byUrl.degradations.map((d) => d.rule).sort()).toEqual([
      'messenger_no_caption',
      'messenger_no_preview_url',
    ]);
    const byId = render({ type: 'media', mediaType: 'file', mediaId: '1857777774821032' });
    expect((byId.request.body as { message: unknown }).message).toEqual({
      attachment: { type: 'file', payload: { attachment_id: '1857777774821032' } },
    });
  });

  it('renders a button template with postback, web_url and phone_number buttons', () => {
    const r = render(SAMPLE_MESSAGES.buttons);
    expect((r.request.body as { message: unknown }).message).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Your order\n\nWhat would you like to do?\n\nReply any time',
          buttons: [
            { type: 'postback', title: 'Track', payload: 'TRACK_ORDER' },
            { type: 'web_url', title: 'Open site', url: 'https://example.com/orders/1' },
            { type: 'phone_number', title: 'Call us', payload: '+6621234567' },
          ],
        },
      },
    });
    expect(r.degradations.map((d) => d.rule)).toContain('messenger_no_header_image');
  });

  it('renders quick replies, and drops a location request on record', () => {
    const r = render(SAMPLE_MESSAGES.quick_replies);
    expect((r.request.body as { message: unknown }).message).toEqual({
      text: 'Pick a size',
      quick_replies: [
        { content_type: 'text', title: 'Small', payload: 'SIZE_S' },
        { content_type: 'text', title: 'Large', payload: 'Large please' },
      ],
    });
    expect(r.degradations.map((d) => d.rule)).toEqual([
      'messenger_message_as_quick_reply',
      'messenger_no_location_request',
    ]);
  });

  it('renders a carousel as a generic template', () => {
    const r = render(SAMPLE_MESSAGES.carousel);
    const payload = (r.request.body as { message: { attachment: { payload: Record<string, unknown> } } })
      .message.attachment.payload;
    expect(payload['template_type']).toBe('generic');
    expect(payload['image_aspect_ratio']).toBe('horizontal');
    expect((payload['elements'] as unknown[])[0]).toEqual({
      title: 'Shirt',
      // The badge's words lead the subtitle; its colour cannot follow.
      subtitle: 'NEW\nCotton, blue',
      image_url: 'https://cdn.example.com/a.jpg',
      buttons: [
        { type: 'postback', title: 'Buy', payload: 'BUY_SHIRT' },
        { type: 'web_url', title: 'Details', url: 'https://example.com/shirt' },
      ],
    });
    expect(r.degradations.map((d) => d.rule).sort()).toEqual([
      'messenger_no_badge',
      'messenger_no_button_color',
    ]);
  });

  it('renders a list as numbered text with quick replies and choices', () => {
    const r = render(SAMPLE_MESSAGES.list);
    const message = (r.request.body as { message: { text: string; quick_replies: unknown[] } }).message;
    expect(message.text).toContain('1. Morning — 8-12\n2. Afternoon — 12-18');
    expect(message.quick_replies).toEqual([
      { content_type: 'text', title: '1. Morning', payload: 'slot-1' },
      { content_type: 'text', title: '2. Afternoon', payload: 'slot-2' },
    ]);
    expect(r.choices).toEqual([
      { number: 1, title: 'Morning', payload: 'slot-1' },
      { number: 2, title: 'Afternoon', payload: 'slot-2' },
    ]);
  });

  it('renders a receipt template and sender actions', () => {
    const r = render(SAMPLE_MESSAGES.receipt);
    expect((r.request.body as { message: unknown }).message).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'receipt',
          recipient_name: 'Ann',
          order_number: 'A-1001',
          currency: 'USD',
          payment_method: 'Visa 1234',
          summary: { total_cost: 20 },
          elements: [{ title: 'Shirt', quantity: 1, price: 20, currency: 'USD' }],
        },
      },
    });
    for (const action of ['typing_on', 'typing_off', 'mark_seen'] as const) {
      expect(render({ type: 'sender_action', action }).request.body).toEqual({
        recipient: { id: PSID },
        sender_action: action,
      });
    }
  });

  it('fills the recipient and messaging type of a raw payload', async () => {
    const r = render({ type: 'raw', payload: { message: { text: 'raw' } } });
    expect(r.request.body).toEqual({
      recipient: { id: PSID },
      message: { text: 'raw' },
      messaging_type: 'RESPONSE',
    });
    expect((await messenger.send(app, r.request)).status).toBe(200);
  });
});
