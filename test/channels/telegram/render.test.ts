import { describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';

const render = (m: CanonicalMessage, options?: Record<string, unknown>, to = '42') =>
  telegramConnector.render(m, { to, retryKey: 'k', ...(options ? { options } : {}) });

describe('Telegram render', () => {
  it('puts the token placeholder in the path, and authorize fills it without headers', () => {
    const { request } = render(SAMPLE_MESSAGES.text);
    expect(request).toEqual({
      method: 'POST',
      path: '/bot{token}/sendMessage',
      body: { chat_id: 42, text: 'Hello from Omnigate 👋' },
    });
    const { path, headers } = telegramConnector.authorize(request, { botToken: '1:abc', secretToken: 's' });
    expect(path).toBe('/bot1:abc/sendMessage');
    expect(headers).toEqual({});
  });

  it('maps media types to their methods', () => {
    for (const [mediaType, method, field] of [
      ['image', 'sendPhoto', 'photo'],
      ['video', 'sendVideo', 'video'],
      ['audio', 'sendAudio', 'audio'],
      ['file', 'sendDocument', 'document'],
    ] as const) {
      const { request } = render({ type: 'media', mediaType, url: 'https://x.example/f', caption: 'c' });
      expect(request.path).toBe(`/bot{token}/${method}`);
      expect(request.body).toEqual({ chat_id: 42, [field]: 'https://x.example/f', caption: 'c' });
    }
  });

  it('sends a venue only with title and address', () => {
    expect(render(SAMPLE_MESSAGES.location).request.path).toBe('/bot{token}/sendVenue');
    const partial = render({ type: 'location', latitude: 1, longitude: 2, address: 'Somewhere' });
    expect(partial.request.path).toBe('/bot{token}/sendLocation');
    expect(partial.degradations).toEqual([
      expect.objectContaining({
        pointer: '/message/address',
        rule: 'telegram_venue_needs_title_and_address',
      }),
    ]);
  });

  it('renders buttons as a photo with caption and one button per row, call as a text line', () => {
    const { request, degradations } = render(SAMPLE_MESSAGES.buttons);
    expect(request.path).toBe('/bot{token}/sendPhoto');
    expect(request.body).toEqual({
      chat_id: 42,
      photo: 'https://cdn.example.com/header.jpg',
      caption: 'Your order\n\nWhat would you like to do?\n\nReply any time\n\nCall us: +6621234567',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Track', callback_data: 'TRACK_ORDER' }],
          [{ text: 'Open site', url: 'https://example.com/orders/1' }],
        ],
      },
    });
    expect(degradations.map((d) => `${d.pointer} ${d.rule}`)).toEqual([
      '/message/title telegram_no_title',
      '/message/footer telegram_no_footer',
      '/message/actions/2 telegram_no_call_button',
    ]);
  });

  it('puts the header image as a link when the text is too long for a caption', () => {
    const { request, degradations } = render({
      type: 'buttons',
      header: { imageUrl: 'https://cdn.example.com/h.jpg' },
      text: 'x'.repeat(1025),
      actions: [{ type: 'reply', title: 'OK', payload: 'OK' }],
    });
    expect(request.path).toBe('/bot{token}/sendMessage');
    expect((request.body as { text: string }).text.startsWith('https://cdn.example.com/h.jpg\n\n')).toBe(
      true,
    );
    expect(degradations).toContainEqual(
      expect.objectContaining({ pointer: '/message/header/imageUrl', rule: 'telegram_caption_too_long' }),
    );
  });

  it('renders quick replies as a one-time reply keyboard', () => {
    const { request, degradations } = render(SAMPLE_MESSAGES.quick_replies);
    expect(request.body).toEqual({
      chat_id: 42,
      text: 'Pick a size',
      reply_markup: {
        keyboard: [
          [{ text: 'Small' }],
          [{ text: 'Large please' }],
          [{ text: 'Share location', request_location: true }],
        ],
        one_time_keyboard: true,
        resize_keyboard: true,
      },
    });
    expect(degradations.map((d) => d.pointer)).toEqual(['/message/replies/0', '/message/replies/1']);
  });

  it('renders a carousel as one numbered message with "N. title" buttons', () => {
    const { request, degradations } = render(SAMPLE_MESSAGES.carousel);
    expect(request.body).toEqual({
      chat_id: 42,
      text: '1. Shirt [NEW]\nCotton, blue\nhttps://cdn.example.com/a.jpg\n\n2. Hat\nWool, grey\nhttps://cdn.example.com/b.jpg',
      reply_markup: {
        inline_keyboard: [
          [{ text: '1. Buy', callback_data: 'BUY_SHIRT' }],
          [{ text: '1. Details', url: 'https://example.com/shirt' }],
          [{ text: '2. Buy', callback_data: 'BUY_HAT' }],
          [{ text: '2. Details', url: 'https://example.com/hat' }],
        ],
      },
    });
    expect(degradations[0]).toMatchObject({ pointer: '/message/cards', rule: 'telegram_no_carousel' });
  });

  it('renders a list with row-id buttons and an imagemap as a photo with area buttons', () => {
    const list = render(SAMPLE_MESSAGES.list).request.body as Record<string, unknown>;
    expect(list['text']).toBe(
      'Delivery\n\nChoose a delivery slot\n\nSlots\n\nTomorrow\n• Morning — 8-12\n• Afternoon — 12-18\n\nTimes are local',
    );
    expect(list['reply_markup']).toEqual({
      inline_keyboard: [
        [{ text: 'Morning', callback_data: 'slot-1' }],
        [{ text: 'Afternoon', callback_data: 'slot-2' }],
      ],
    });
    const imagemap = render(SAMPLE_MESSAGES.imagemap);
    expect(imagemap.request.path).toBe('/bot{token}/sendPhoto');
    expect(imagemap.request.body).toEqual({
      chat_id: 42,
      photo: 'https://cdn.example.com/imagemap/1040',
      caption: 'Our menu',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Menu', url: 'https://example.com/menu' }],
          [{ text: 'Order', callback_data: 'I want to order' }],
        ],
      },
    });
  });

  it('renders a receipt as text and typing as sendChatAction', () => {
    const receipt = render(SAMPLE_MESSAGES.receipt);
    expect((receipt.request.body as { text: string }).text).toContain('Total: $20.00');
    expect(receipt.degradations).toEqual([expect.objectContaining({ rule: 'telegram_no_receipt' })]);
    expect(render(SAMPLE_MESSAGES.sender_action).request).toEqual({
      method: 'POST',
      path: '/bot{token}/sendChatAction',
      body: { chat_id: 42, action: 'typing' },
    });
  });

  it('passes raw parameters, filling chat_id from the recipient', () => {
    expect(render({ type: 'raw', payload: { method: 'sendDice', emoji: '🎯' } }).request).toEqual({
      method: 'POST',
      path: '/bot{token}/sendDice',
      body: { chat_id: 42, emoji: '🎯' },
    });
    expect(render({ type: 'raw', payload: { method: 'sendDice', chat_id: 7 } }).request.body).toEqual({
      chat_id: 7,
    });
  });

  it('adds no chat_id to raw calls that address a query or an inline message, or say null', () => {
    const body = (payload: Record<string, unknown>) =>
      render({ type: 'raw', payload: { method: 'x', ...payload } }).request.body;
    expect(body({ callback_query_id: '99', text: 'Done' })).toEqual({
      callback_query_id: '99',
      text: 'Done',
    });
    expect(body({ inline_query_id: 'q1', results: [] })).toEqual({ inline_query_id: 'q1', results: [] });
    expect(body({ inline_message_id: 'im1', text: 'edited' })).toEqual({
      inline_message_id: 'im1',
      text: 'edited',
    });
    // null means "leave it out": the key goes, rather than being sent as null.
    const leftOut = body({ chat_id: null, user_id: 5 }) as Record<string, unknown>;
    expect(leftOut).toEqual({ user_id: 5 });
    expect('chat_id' in leftOut).toBe(false);
  });

  it('escapes composed text for the parse mode but not the caller’s text', () => {
    const html = render(
      {
        type: 'buttons',
        title: 'a < b & c',
        text: '<b>bold</b>',
        actions: [{ type: 'reply', title: 'A', payload: 'A' }],
      },
      { parseMode: 'HTML' },
    );
    expect(html.request.body).toMatchObject({ text: 'a &lt; b &amp; c\n\n<b>bold</b>', parse_mode: 'HTML' });
    const sticker = render(SAMPLE_MESSAGES.sticker, { parseMode: 'HTML', disableNotification: true });
    expect(sticker.request.body).toEqual({ chat_id: 42, sticker: '1988', disable_notification: true });
  });
});
