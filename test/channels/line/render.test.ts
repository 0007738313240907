import { describe, expect, it } from 'vitest';
import { lineConnector } from '../../../src/channels/line/index.ts';
import { flexJsonBytes } from '../../../src/channels/line/limits.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { bigReceipt, longList, USER } from './helpers.ts';

const KEY = '123e4567-e89b-12d3-a456-426614174000';
const render = (m: CanonicalMessage, options?: Record<string, unknown>) =>
  lineConnector.render(m, { to: USER, retryKey: KEY, ...(options ? { options } : {}) });
const messagesOf = (m: CanonicalMessage) =>
  (render(m).request.body as { messages: Array<Record<string, unknown>> }).messages;

describe('LINE render', () => {
  it('pushes with the retry key, and authorize adds only the bearer token', () => {
    const { request } = render(SAMPLE_MESSAGES.text);
    expect(request).toEqual({
      method: 'POST',
      path: '/v2/bot/message/push',
      headers: { 'X-Line-Retry-Key': KEY },
      body: { to: USER, messages: [{ type: 'text', text: 'Hello from Omnigate 👋' }] },
    });
    expect(JSON.stringify(request)).not.toContain('sandbox-line-channel-access-token');
    expect(lineConnector.authorize(request, { channelAccessToken: 'tok', channelSecret: 's' })).toEqual({
      path: '/v2/bot/message/push',
      headers: { 'X-Line-Retry-Key': KEY, Authorization: 'Bearer tok' },
    });
  });

  it('replies instead when given a reply token', () => {
    const { request } = render(SAMPLE_MESSAGES.text, { replyToken: 'rt', notificationDisabled: true });
    expect(request).toEqual({
      method: 'POST',
      path: '/v2/bot/message/reply',
      body: {
        replyToken: 'rt',
        messages: [{ type: 'text', text: 'Hello from Omnigate 👋' }],
        notificationDisabled: true,
      },
    });
  });

  it('sends a caption as a second message and records it', () => {
    const { request, degradations } = render(SAMPLE_MESSAGES.media);
    expect((request.body as { messages: unknown[] }).messages).toEqual([
      {
        type: 'image',
        originalContentUrl: 'https://cdn.example.com/pic.jpg',
        previewImageUrl: 'https://cdn.example.com/pic-small.jpg',
      },
      { type: 'text', text: 'A picture' },
    ]);
    expect(degradations).toEqual([
      expect.objectContaining({ pointer: '/message/caption', rule: 'line_no_caption' }),
    ]);
  });

  it('turns a file into a text link and records it', () => {
    const file: CanonicalMessage = {
      type: 'media',
      mediaType: 'file',
      url: 'https://x.example/docs/r%C3%A9sum%C3%A9.pdf',
    };
    const { request, degradations } = render(file);
    expect((request.body as { messages: unknown[] }).messages).toEqual([
      { type: 'text', text: '📎 résumé.pdf\nhttps://x.example/docs/r%C3%A9sum%C3%A9.pdf' },
    ]);
    expect(degradations.map((d) => d.rule)).toEqual(['line_no_file']);
  });

  it('maps audio duration and fills a missing location title and address from the coordinates', () => {
    expect(
      messagesOf({ type: 'media', mediaType: 'audio', url: 'https://x.example/a.m4a', durationMs: 1500 }),
    ).toEqual([{ type: 'audio', originalContentUrl: 'https://x.example/a.m4a', duration: 1500 }]);
    const { request, degradations } = render({
      type: 'location',
      latitude: 1.5,
      longitude: -2,
      address: 'Here',
    });
    expect((request.body as { messages: unknown[] }).messages).toEqual([
      { type: 'location', title: '1.5, -2', address: 'Here', latitude: 1.5, longitude: -2 },
    ]);
    expect(degradations).toEqual([expect.objectContaining({ pointer: '/message/title' })]);
  });

  it('renders buttons as a template with every action type mapped', () => {
    const [template] = messagesOf(SAMPLE_MESSAGES.buttons);
    expect(template).toMatchObject({
      type: 'template',
      altText: 'Your order: What would you like to do?',
      template: {
        type: 'buttons',
        thumbnailImageUrl: 'https://cdn.example.com/header.jpg',
        title: 'Your order',
        text: 'What would you like to do?\nReply any time',
        actions: [
          { type: 'postback', label: 'Track', data: 'TRACK_ORDER', displayText: 'Track' },
          { type: 'uri', label: 'Open site', uri: 'https://example.com/orders/1' },
          { type: 'uri', label: 'Call us', uri: 'tel:+6621234567' },
        ],
      },
    });
  });

  it('sends a footer that does not fit as its own message, recorded', () => {
    const m = { ...SAMPLE_MESSAGES.buttons, footer: 'f'.repeat(40) } as CanonicalMessage;
    const { request, degradations } = render(m);
    const messages = (request.body as { messages: Array<{ type: string; text?: string }> }).messages;
    expect(messages.map((x) => x.type)).toEqual(['template', 'text']);
    expect(messages[1]?.text).toBe('f'.repeat(40));
    expect(degradations).toEqual([
      {
        pointer: '/message/footer',
        from: 'footer',
        to: 'text message after the buttons',
        rule: 'line_no_template_footer',
      },
    ]);
  });

  it('renders quick replies, including the location action', () => {
    expect(messagesOf(SAMPLE_MESSAGES.quick_replies)).toEqual([
      {
        type: 'text',
        text: 'Pick a size',
        quickReply: {
          items: [
            {
              type: 'action',
              action: { type: 'postback', label: 'Small', data: 'SIZE_S', displayText: 'Small' },
            },
            { type: 'action', action: { type: 'message', label: 'Large', text: 'Large please' } },
            { type: 'action', action: { type: 'location', label: 'Share location' } },
          ],
        },
      },
    ]);
  });

  it('renders a coloured carousel as Flex, with the badge and button colours', () => {
    const [flex] = messagesOf(SAMPLE_MESSAGES.carousel);
    const json = JSON.stringify(flex);
    expect(flex).toMatchObject({ type: 'flex', contents: { type: 'carousel' } });
    expect(json).toContain('"backgroundColor":"#FF0000"');
    expect(json).toContain('"color":"#00AA00"');
    expect(json).toContain('"aspectRatio":"151:100"');
  });

  it('renders a plain carousel as a template carousel', () => {
    const cards = [
      { title: 'A', text: 'a', actions: [{ type: 'reply' as const, title: 'x', payload: 'X' }] },
    ];
    const [template] = messagesOf({ type: 'carousel', cards, imageAspectRatio: 'square' });
    expect(template).toEqual({
      type: 'template',
      altText: 'A',
      template: {
        type: 'carousel',
        imageAspectRatio: 'square',
        columns: [
          { title: 'A', text: 'a', actions: [{ type: 'postback', label: 'x', data: 'X', displayText: 'x' }] },
        ],
      },
    });
  });

  it('records the list and receipt degradations', () => {
    expect(render(SAMPLE_MESSAGES.list).degradations.map((d) => d.pointer)).toEqual([
      '/message',
      '/message/buttonText',
    ]);
    expect(JSON.stringify(messagesOf(SAMPLE_MESSAGES.list))).toContain('"data":"slot-2"');
    const receipt = render(SAMPLE_MESSAGES.receipt);
    expect(receipt.degradations).toEqual([expect.objectContaining({ rule: 'line_no_receipt' })]);
    expect(JSON.stringify(receipt.request.body)).toContain('$20.00');
  });

  it("heads a list's rows with its title (buttonText) instead of dropping it", () => {
    const [flex] = messagesOf(SAMPLE_MESSAGES.list);
    const body = (flex as { contents: { body: { contents: Array<Record<string, unknown>> } } }).contents.body;
    expect(body.contents.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'text', text: 'Choose a delivery slot' }),
      expect.objectContaining({ type: 'text', text: 'Slots', weight: 'bold' }),
    ]);
    expect(render(SAMPLE_MESSAGES.list).degradations[1]).toMatchObject({
      pointer: '/message/buttonText',
      to: expect.stringContaining('heading above the rows'),
    });
  });

  it('spreads a list past 30 KB over several Flex bubbles in one request, every row in order', () => {
    const list = longList(60, 400);
    const { request, degradations, choices } = render(list);
    const messages = (request.body as { messages: Array<{ type: string; contents: unknown }> }).messages;
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(5);
    for (const m of messages) {
      expect(m.type).toBe('flex');
      expect(flexJsonBytes(m.contents)).toBeLessThanOrEqual(30_000);
    }
    const ids = [...JSON.stringify(messages).matchAll(/"data":"(row-\d+)"/g)].map((x) => x[1]);
    expect(ids).toEqual(list.sections.flatMap((s) => s.rows.map((r) => r.id)));
    // The header opens the first bubble, the footer closes the last; the title heads each.
    const json = messages.map((m) => JSON.stringify(m.contents));
    expect(json[0]).toContain('"header"');
    expect(json.slice(1).every((j) => !j.includes('"header"'))).toBe(true);
    expect(json.at(-1)).toContain('"footer"');
    expect(json.every((j) => j.includes('"text":"Rows"'))).toBe(true);
    expect(degradations.map((d) => d.rule)).toContain('line_flex_size');
    expect(choices).toBeUndefined();
  });

  it('sends a list too long for five bubbles as numbered text, the numbers answering back', () => {
    // Short rows: a Flex row costs ~200 bytes of JSON, a numbered line ~15 characters.
    const list = longList(1000, 0);
    const { request, degradations, choices } = render(list);
    const messages = (request.body as { messages: Array<{ type: string; text: string }> }).messages;
    expect(messages.every((m) => m.type === 'text' && m.text.length <= 5000)).toBe(true);
    expect(messages.length).toBeLessThanOrEqual(5);
    const all = messages.map((m) => m.text).join('\n');
    expect(all).toContain('Rows:\n');
    expect(all).toContain('Rows:\nSection 1\n1. Row 0 \n');
    expect(all).toContain('\n1000. Row 999 ');
    expect(choices).toHaveLength(1000);
    expect(choices?.[999]).toEqual({ number: 1000, title: 'Row 999 ', payload: 'row-999' });
    expect(degradations[0]).toMatchObject({ pointer: '/message', rule: 'line_flex_size' });
  });

  it('splits a Flex carousel past 50 KB into several carousels, and a big receipt into bubbles', () => {
    const cards = Array.from({ length: 6 }, (_, i) => ({
      title: `C${i}`,
      text: '漢'.repeat(5000),
      badge: { text: 'b' },
    }));
    const carousel = render({ type: 'carousel', cards });
    const carousels = (carousel.request.body as { messages: Array<{ contents: { contents: unknown[] } }> })
      .messages;
    expect(carousels.map((m) => m.contents.contents.length)).toEqual([3, 3]);
    expect(carousels.every((m) => flexJsonBytes(m.contents) <= 50_000)).toBe(true);
    expect(carousel.degradations).toEqual([
      expect.objectContaining({ pointer: '/message/cards', rule: 'line_flex_size' }),
    ]);

    const receipt = render(bigReceipt(40));
    const bubbles = (receipt.request.body as { messages: Array<{ contents: unknown }> }).messages;
    expect(bubbles.length).toBeGreaterThan(1);
    expect(bubbles.every((m) => flexJsonBytes(m.contents) <= 30_000)).toBe(true);
    expect(JSON.stringify(bubbles.at(-1))).toContain('Total');
    expect(JSON.stringify(bubbles[0])).not.toContain('Total');
  });

  it('renders imagemap, raw and typing_on', () => {
    expect(messagesOf(SAMPLE_MESSAGES.imagemap)[0]).toMatchObject({
      baseSize: { width: 1040, height: 1040 },
      actions: [
        { type: 'uri', linkUri: 'https://example.com/menu', area: { x: 0, y: 0, width: 520, height: 1040 } },
        { type: 'message', text: 'I want to order', area: { x: 520, y: 0, width: 520, height: 1040 } },
      ],
    });
    expect(messagesOf(SAMPLE_MESSAGES.raw)).toEqual([{ type: 'text', text: 'raw payload' }]);
    expect(render(SAMPLE_MESSAGES.sender_action, { loadingSeconds: 10 }).request).toEqual({
      method: 'POST',
      path: '/v2/bot/chat/loading/start',
      body: { chatId: USER, loadingSeconds: 10 },
    });
  });

  it('keeps derived alt text within 400 UTF-16 units without splitting an emoji', () => {
    const [template] = messagesOf({
      type: 'buttons',
      text: '🍎'.repeat(300),
      actions: [{ type: 'reply', title: 'a', payload: 'b' }],
    });
    const alt = (template as { altText: string }).altText;
    expect(alt.length).toBeLessThanOrEqual(400);
    expect(alt.endsWith('🍎…')).toBe(true);
  });
});
