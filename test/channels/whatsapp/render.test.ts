/**
 * Canonical kinds rendered to WhatsApp's exact wire format, each accepted by the strict emulator
 * (Meta's OpenAPI plus prose limits), with every change of form recorded as a degradation.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHATSAPP_MESSAGES_PATH } from '../../../src/channels/whatsapp/render.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { buildSandbox, rendered, send, USER } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const IMG = 'https://cdn.example.com/a.jpg';
const reply = (i: number) => ({ type: 'reply' as const, title: `Option ${i}`, payload: `OPT_${i}` });

async function accepted(message: CanonicalMessage, options?: Record<string, unknown>) {
  const r = rendered(message, options);
  const res = await send(app, r.request);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect((res.body as { messages: Array<{ id: string }> }).messages[0]?.id).toMatch(/^wamid\./);
  return r;
}

describe('WhatsApp render: basic kinds', () => {
  it('text, with the path placeholder and no secret in the stored request', async () => {
    const r = await accepted({ type: 'text', text: 'Hello' }, { previewUrl: true, replyTo: 'wamid.ABC' });
    expect(r.request).toEqual({
      method: 'POST',
      path: WHATSAPP_MESSAGES_PATH,
      body: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: USER,
        context: { message_id: 'wamid.ABC' },
        type: 'text',
        text: { body: 'Hello', preview_url: true },
      },
    });
    expect(r.request.path).toBe('/v23.0/{phoneNumberId}/messages');
    expect(JSON.stringify(r.request)).not.toContain('sandbox-whatsapp-access-token');
  });

  it('media: image by link with caption, document by id with filename, audio', async () => {
    const image = await accepted({ type: 'media', mediaType: 'image', url: IMG, caption: 'Look' });
    expect(image.request.body).toMatchObject({ type: 'image', image: { link: IMG, caption: 'Look' } });
    const doc = await accepted({
      type: 'media',
      mediaType: 'file',
      mediaId: '1234567890',
      fileName: 'invoice.pdf',
      caption: 'Your invoice',
    });
    expect(doc.request.body).toMatchObject({
      type: 'document',
      document: { id: '1234567890', filename: 'invoice.pdf', caption: 'Your invoice' },
    });
    const audio = await accepted({
      type: 'media',
      mediaType: 'audio',
      url: 'https://cdn.example.com/a.ogg',
      durationMs: 3000,
    });
    expect(audio.request.body).toMatchObject({
      type: 'audio',
      audio: { link: 'https://cdn.example.com/a.ogg' },
    });
  });

  it('records a preview image it cannot send', async () => {
    const r = await accepted({
      type: 'media',
      mediaType: 'video',
      url: 'https://cdn.example.com/v.mp4',
      previewUrl: IMG,
    });
    expect(r.degradations).toEqual([
      expect.objectContaining({ pointer: '/message/previewUrl', rule: 'whatsapp_no_preview_image' }),
    ]);
  });

  it('location, with coordinates as the decimal strings Meta types them as', async () => {
    const r = await accepted({
      type: 'location',
      latitude: 37.4847,
      longitude: -122.1486,
      title: 'Meta HQ',
      address: '1 Hacker Way',
    });
    expect(r.request.body).toMatchObject({
      type: 'location',
      location: { latitude: '37.4847', longitude: '-122.1486', name: 'Meta HQ', address: '1 Hacker Way' },
    });
  });

  it('sticker by link or by media id; a LINE package id is recorded as left out', async () => {
    const byLink = await accepted({ type: 'sticker', stickerId: 'https://cdn.example.com/s.webp' });
    expect(byLink.request.body).toMatchObject({ sticker: { link: 'https://cdn.example.com/s.webp' } });
    const byId = await accepted({ type: 'sticker', stickerId: '998877', packageId: '11537' });
    expect(byId.request.body).toMatchObject({ sticker: { id: '998877' } });
    expect(byId.degradations.map((d) => d.rule)).toEqual(['whatsapp_no_sticker_package']);
  });

  it('receipt degrades to formatted text', async () => {
    const r = await accepted({
      type: 'receipt',
      recipientName: 'Ada',
      orderNumber: 'A-1',
      currency: 'EUR',
      paymentMethod: 'Visa 1234',
      elements: [{ title: 'Hat', quantity: 2, price: 12.5 }],
      summary: { totalCost: 25 },
    });
    const body = r.request.body as { text: { body: string } };
    expect(body.text.body).toContain('Hat × 2: €12.50');
    expect(body.text.body).toContain('*Total: €25.00*');
    expect(r.degradations.map((d) => d.rule)).toEqual(['whatsapp_no_receipt']);
  });
});

describe('WhatsApp render: buttons, quick replies and lists', () => {
  it('up to three replies are reply buttons; the title becomes the text header', async () => {
    const r = await accepted({
      type: 'buttons',
      title: 'Your order',
      text: 'Track it?',
      footer: 'Shop',
      actions: [reply(1), reply(2)],
    });
    expect(r.request.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Your order' },
        body: { text: 'Track it?' },
        footer: { text: 'Shop' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'OPT_1', title: 'Option 1' } },
            { type: 'reply', reply: { id: 'OPT_2', title: 'Option 2' } },
          ],
        },
      },
    });
    expect(r.degradations).toEqual([]);
  });

  it('an image header wins; title and header text fold into the body, recorded', async () => {
    const r = await accepted({
      type: 'buttons',
      title: 'T',
      header: { imageUrl: IMG, text: 'H' },
      text: 'Body',
      actions: [reply(1)],
    });
    expect(r.request.body).toMatchObject({
      interactive: { header: { type: 'image', image: { link: IMG } }, body: { text: '*H*\n*T*\n\nBody' } },
    });
    expect(r.degradations.map((d) => d.rule)).toEqual(['whatsapp_single_header']);
  });

  it('one URL action is a CTA URL button', async () => {
    const r = await accepted({
      type: 'buttons',
      text: 'See it',
      actions: [{ type: 'url', title: 'Open', url: 'https://shop.example.com/1' }],
    });
    expect(r.request.body).toMatchObject({
      interactive: {
        type: 'cta_url',
        body: { text: 'See it' },
        action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://shop.example.com/1' } },
      },
    });
  });

  it('four to ten replies become a list, recorded', async () => {
    const r = await accepted({
      type: 'quick_replies',
      text: 'Pick one',
      replies: [1, 2, 3, 4, 5].map(reply),
    });
    expect(r.request.body).toMatchObject({
      interactive: {
        type: 'list',
        action: {
          button: 'Choose',
          sections: [{ rows: [{ id: 'OPT_1', title: 'Option 1' }, {}, {}, {}, {}] }],
        },
      },
    });
    expect(r.degradations.map((d) => [d.pointer, d.rule])).toEqual([
      ['/message/replies', 'whatsapp_list_for_many_replies'],
    ]);
  });

  it('mixed actions become numbered text with choices that map back to payloads', async () => {
    const r = await accepted({
      type: 'quick_replies',
      text: 'How can we help?',
      replies: [
        reply(1),
        { type: 'call', title: 'Call us', phoneNumber: '+15555550100' },
        { type: 'message', title: 'Hi', text: 'hello' },
      ],
    });
    const body = r.request.body as { type: string; text: { body: string } };
    expect(body.type).toBe('text');
    expect(body.text.body).toBe('How can we help?\n\n1. Option 1\nCall us: +15555550100\n2. Hi');
    expect(r.choices).toEqual([
      { number: 1, title: 'Option 1', payload: 'OPT_1' },
      { number: 2, title: 'Hi', payload: 'hello' },
    ]);
    expect(r.degradations.map((d) => d.rule)).toEqual(['whatsapp_numbered_choices']);
  });

  it('a list keeps its sections, titles and descriptions', async () => {
    const r = await accepted({
      type: 'list',
      text: 'Menu',
      buttonText: 'View',
      header: 'Lunch',
      sections: [
        { title: 'Mains', rows: [{ id: 'm1', title: 'Soup', description: 'Hot' }] },
        { title: 'Drinks', rows: [{ id: 'd1', title: 'Tea' }] },
      ],
    });
    expect(r.request.body).toMatchObject({
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Lunch' },
        body: { text: 'Menu' },
        action: {
          button: 'View',
          sections: [
            { title: 'Mains', rows: [{ id: 'm1', title: 'Soup', description: 'Hot' }] },
            { title: 'Drinks', rows: [{ id: 'd1', title: 'Tea' }] },
          ],
        },
      },
    });
  });
});

describe('WhatsApp render: carousels', () => {
  const card = (i: number, actions: unknown[]) => ({
    imageUrl: `https://cdn.example.com/${i}.jpg`,
    title: `Card ${i}`,
    text: 'Nice',
    actions,
  });

  it('cards with one URL button each are a media carousel', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [0, 1].map((i) =>
        card(i, [{ type: 'url', title: 'Buy', url: `https://shop.example.com/${i}` }]),
      ),
    } as CanonicalMessage);
    expect(r.request.body).toMatchObject({
      interactive: {
        type: 'carousel',
        body: { text: 'Card 0 · Card 1' },
        action: {
          cards: [
            {
              card_index: 0,
              type: 'cta_url',
              header: { type: 'image', image: { link: 'https://cdn.example.com/0.jpg' } },
              body: { text: '*Card 0*\nNice' },
              action: {
                name: 'cta_url',
                parameters: { display_text: 'Buy', url: 'https://shop.example.com/0' },
              },
            },
            { card_index: 1 },
          ],
        },
      },
    });
    expect(r.degradations.map((d) => d.rule)).toEqual(['whatsapp_carousel_body']);
  });

  it('cards with the same replies are a quick-reply carousel', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [0, 1, 2].map((i) => card(i, [reply(i)])),
    } as CanonicalMessage);
    expect(r.request.body).toMatchObject({
      interactive: {
        action: {
          cards: [
            {
              type: 'button',
              action: { buttons: [{ type: 'quick_reply', quick_reply: { id: 'OPT_0', title: 'Option 0' } }] },
            },
            {},
            {},
          ],
        },
      },
    });
  });

  it('cards without images degrade to numbered text with choices', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [0, 1].map((i) => ({ title: `Card ${i}`, actions: [reply(i)] })),
    });
    expect((r.request.body as { text: { body: string } }).text.body).toBe(
      '*Card 0*\n1. Option 0\n\n*Card 1*\n2. Option 1',
    );
    expect(r.choices?.map((c) => c.payload)).toEqual(['OPT_0', 'OPT_1']);
    expect(r.degradations.map((d) => d.rule)).toEqual(['whatsapp_numbered_choices']);
  });

  it('a lone card is one interactive message with an image header', async () => {
    const r = await accepted({ type: 'carousel', cards: [card(0, [reply(1)])] } as CanonicalMessage);
    expect(r.request.body).toMatchObject({
      interactive: { type: 'button', header: { type: 'image' }, body: { text: 'Nice' } },
    });
    expect(r.degradations.map((d) => d.rule)).toContain('whatsapp_single_card');
  });

  it('badges and button colours are recorded as left out', async () => {
    const cards = [0, 1].map((i) => ({ ...card(i, [reply(i)]), badge: { text: 'NEW' } }));
    const r = await accepted({ type: 'carousel', cards } as CanonicalMessage);
    expect(r.degradations.filter((d) => d.rule === 'whatsapp_no_card_extras').map((d) => d.pointer)).toEqual([
      '/message/cards/0/badge',
      '/message/cards/1/badge',
    ]);
  });
});

describe('WhatsApp render: templates and raw', () => {
  it('template with image header, positional body and buttons', async () => {
    const r = await accepted({
      type: 'template',
      name: 'shipping_update',
      language: 'en_US',
      header: { type: 'image', url: IMG },
      bodyParameters: ['Ada', 'A-1'],
      buttons: [
        { index: 0, subType: 'quick_reply', parameter: 'TRACK' },
        { index: 1, subType: 'url', parameter: 'orders/A-1' },
      ],
    });
    expect(r.request.body).toMatchObject({
      type: 'template',
      template: {
        name: 'shipping_update',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: IMG } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ada' },
              { type: 'text', text: 'A-1' },
            ],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'TRACK' }],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'orders/A-1' }] },
        ],
      },
    });
  });

  it('named parameters and copy-code buttons', async () => {
    const named = await accepted({
      type: 'template',
      name: 'welcome_named',
      language: 'en_US',
      header: { type: 'text', text: 'Hi' },
      parameters: { first_name: 'Ada' },
    });
    expect(named.request.body).toMatchObject({
      template: {
        components: [
          {},
          { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ada' }] },
        ],
      },
    });
    const coupon = await accepted({
      type: 'template',
      name: 'coupon_offer',
      language: 'en_US',
      bodyParameters: ['10%'],
      buttons: [{ index: 0, subType: 'copy_code', parameter: 'SAVE10' }],
    });
    expect(coupon.request.body).toMatchObject({
      template: {
        components: [
          {},
          {
            type: 'button',
            sub_type: 'copy_code',
            parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
          },
        ],
      },
    });
  });

  it('raw payloads go out as given: a reaction, and a read mark with typing indicator', async () => {
    const reaction = await accepted({
      type: 'raw',
      payload: { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
    });
    expect(reaction.request.body).toMatchObject({ to: USER, type: 'reaction' });
    const read = rendered({
      type: 'raw',
      payload: { status: 'read', message_id: 'wamid.X', typing_indicator: { type: 'text' } },
    });
    expect(read.request.body).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.X',
      typing_indicator: { type: 'text' },
    });
    expect(await send(app, read.request)).toMatchObject({ status: 200, body: { success: true } });
  });
});
