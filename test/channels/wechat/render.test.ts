/**
 * Every kind WeChat carries, rendered to the exact message/custom/send body and accepted by the
 * strict emulator (errcode 0), with the degradations recorded.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { freshOpenid, harness, render, sendWithToken } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await harness.buildSandbox());
});
afterAll(async () => app.close());

/** Renders for a fresh person (own window and quota), sends, and expects WeChat's "ok". */
async function accepted(message: CanonicalMessage, options?: Record<string, unknown>) {
  const to = freshOpenid();
  const result = render(message, to, options);
  const response = await sendWithToken(app, result.request);
  expect(response.body).toEqual({ errcode: 0, errmsg: 'ok' });
  return { ...result, to, body: result.request.body as Record<string, unknown> };
}

describe('WeChat render', () => {
  it('renders text to the send path with the token as a placeholder', async () => {
    const r = await accepted({ type: 'text', text: '你好 world' });
    expect(r.request.path).toBe('/cgi-bin/message/custom/send?access_token={accessToken}');
    expect(r.body).toEqual({ touser: r.to, msgtype: 'text', text: { content: '你好 world' } });
    expect(r.degradations).toEqual([]);
  });

  it('sends image, audio (as voice) and video by media id', async () => {
    const image = await accepted({ type: 'media', mediaType: 'image', mediaId: 'IMG_media_1' });
    expect(image.body).toMatchObject({ msgtype: 'image', image: { media_id: 'IMG_media_1' } });
    const voice = await accepted({
      type: 'media',
      mediaType: 'audio',
      mediaId: 'VOICE_1',
      caption: 'listen',
    });
    expect(voice.body).toMatchObject({ msgtype: 'voice', voice: { media_id: 'VOICE_1' } });
    expect(voice.degradations.map((d) => d.rule)).toEqual(['wechat_no_caption']);
    const video = await accepted(
      { type: 'media', mediaType: 'video', mediaId: 'VID_1', caption: 'A clip', fileName: 'clip.mp4' },
      { videoThumbMediaId: 'THUMB_1' },
    );
    expect(video.body['video']).toEqual({
      media_id: 'VID_1',
      thumb_media_id: 'THUMB_1',
      title: 'clip.mp4',
      description: 'A clip',
    });
  });

  it('adds the customer-service agent from options', async () => {
    const r = await accepted({ type: 'text', text: 'hi' }, { kfAccount: 'test1@kftest' });
    expect(r.body['customservice']).toEqual({ kf_account: 'test1@kftest' });
  });

  it('renders buttons as a msgmenu whose item ids are the payloads, links and calls in the tail', async () => {
    const r = await accepted({
      type: 'buttons',
      title: 'Survey',
      text: 'Were you satisfied?',
      footer: 'Thanks',
      actions: [
        { type: 'reply', title: 'Yes', payload: 'SAT_YES' },
        { type: 'reply', title: 'No', payload: 'SAT_NO' },
        { type: 'url', title: 'Site', url: 'https://example.com/a?b=1' },
        { type: 'call', title: 'Call us', phoneNumber: '+8610123456789' },
      ],
    });
    expect(r.body).toEqual({
      touser: r.to,
      msgtype: 'msgmenu',
      msgmenu: {
        head_content: 'Survey\n\nWere you satisfied?',
        list: [
          { id: 'SAT_YES', content: 'Yes' },
          { id: 'SAT_NO', content: 'No' },
        ],
        tail_content: '<a href="https://example.com/a?b=1">Site</a>\nCall us: +8610123456789\n\nThanks',
      },
    });
    expect(r.degradations.map((d) => d.rule)).toEqual([
      'wechat_title_in_text',
      'wechat_url_as_link',
      'wechat_no_call_button',
    ]);
  });

  it('renders buttons without a reply action as text with the links', async () => {
    const r = await accepted({
      type: 'buttons',
      text: 'Read more',
      actions: [{ type: 'url', title: 'Docs', url: 'https://example.com/docs' }],
    });
    expect(r.body).toMatchObject({
      msgtype: 'text',
      text: { content: 'Read more\n\n<a href="https://example.com/docs">Docs</a>' },
    });
  });

  it('renders quick replies as a msgmenu; a message action sends its text as the id', async () => {
    const r = await accepted({
      type: 'quick_replies',
      text: 'Pick one',
      replies: [
        { type: 'reply', title: 'Red', payload: 'RED' },
        { type: 'message', title: 'Blue', text: 'I like blue' },
      ],
    });
    expect(r.body['msgmenu']).toEqual({
      head_content: 'Pick one',
      list: [
        { id: 'RED', content: 'Red' },
        { id: 'I like blue', content: 'Blue' },
      ],
      tail_content: '',
    });
    expect(r.degradations).toEqual([
      expect.objectContaining({ pointer: '/message/replies/1', rule: 'wechat_message_as_menu_item' }),
    ]);
  });

  it('degrades a list to a msgmenu with one item per row', async () => {
    const r = await accepted({
      type: 'list',
      header: 'Menu',
      text: 'Choose a dish',
      buttonText: 'Open',
      footer: 'Enjoy',
      sections: [
        { title: 'Mains', rows: [{ id: 'noodles', title: 'Noodles', description: 'hot' }] },
        { rows: [{ id: 'tea', title: 'Tea' }] },
      ],
    });
    expect(r.body['msgmenu']).toEqual({
      head_content: 'Menu\n\nChoose a dish\n\nOpen',
      list: [
        { id: 'noodles', content: 'Noodles - hot' },
        { id: 'tea', content: 'Tea' },
      ],
      tail_content: 'Enjoy',
    });
    expect(r.degradations.map((d) => d.pointer)).toEqual([
      '/message/sections',
      '/message/buttonText',
      '/message/sections/0/title',
    ]);
  });

  it('renders a single linked card as one news article', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [
        {
          title: 'New arrivals',
          text: 'Spring collection',
          imageUrl: 'https://example.com/p.jpg',
          defaultAction: { type: 'url', title: 'Open', url: 'https://example.com/new' },
        },
      ],
    });
    expect(r.body).toEqual({
      touser: r.to,
      msgtype: 'news',
      news: {
        articles: [
          {
            title: 'New arrivals',
            description: 'Spring collection',
            url: 'https://example.com/new',
            picurl: 'https://example.com/p.jpg',
          },
        ],
      },
    });
    expect(r.degradations.map((d) => d.rule)).toEqual(['wechat_carousel_as_news']);
  });

  it('degrades several cards to text with links and numbered choices', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [
        {
          title: 'Hat',
          text: 'Warm',
          actions: [
            { type: 'url', title: 'See', url: 'https://example.com/hat' },
            { type: 'reply', title: 'Buy hat', payload: 'BUY_HAT' },
          ],
        },
        { title: 'Scarf', actions: [{ type: 'reply', title: 'Buy scarf', payload: 'BUY_SCARF' }] },
      ],
    });
    expect(r.body['text']).toEqual({
      content:
        'Hat\n\nWarm\n\n<a href="https://example.com/hat">See</a>\n1. Buy hat\n\nScarf\n\n2. Buy scarf\n\nReply with a number to choose.',
    });
    expect(r.choices).toEqual([
      { number: 1, title: 'Buy hat', payload: 'BUY_HAT' },
      { number: 2, title: 'Buy scarf', payload: 'BUY_SCARF' },
    ]);
    expect(r.degradations.map((d) => d.rule)).toEqual(['wechat_carousel_as_text']);
  });

  it('degrades location and receipt to text', async () => {
    const loc = await accepted({ type: 'location', latitude: 39.9, longitude: 116.4, title: 'Office' });
    expect(loc.body['text']).toEqual({
      content: 'Office\n\n<a href="https://uri.amap.com/marker?position=116.4%2C39.9&name=Office">Office</a>',
    });
    const receipt = await accepted({
      type: 'receipt',
      recipientName: 'Li',
      orderNumber: 'A1',
      currency: 'CNY',
      paymentMethod: 'WeChat Pay',
      elements: [{ title: 'Tea', quantity: 2, price: 12 }],
      summary: { totalCost: 24 },
    });
    expect(String((receipt.body['text'] as { content: string }).content)).toContain('Total: CN¥24.00');
    expect(receipt.degradations.map((d) => d.rule)).toEqual(['wechat_no_receipt']);
  });

  it('renders typing on and off to the typing endpoint', async () => {
    const on = await accepted({ type: 'sender_action', action: 'typing_on' });
    expect(on.request.path).toBe('/cgi-bin/message/custom/typing?access_token={accessToken}');
    expect(on.body).toEqual({ touser: on.to, command: 'Typing' });
    const off = await accepted({ type: 'sender_action', action: 'typing_off' });
    expect(off.body['command']).toBe('CancelTyping');
  });

  it('sends a raw body with touser filled in', async () => {
    const r = await accepted({
      type: 'raw',
      payload: { msgtype: 'mpnews', mpnews: { media_id: 'MPNEWS_1' } },
    });
    expect(r.body).toEqual({ touser: r.to, msgtype: 'mpnews', mpnews: { media_id: 'MPNEWS_1' } });
  });
});
