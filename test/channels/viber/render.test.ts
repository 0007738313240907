/**
 * Canonical → Viber wire format, each rendering checked by the strict emulator.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyViberResponse } from '../../../src/channels/viber/classify.ts';
import { VIBER_LIMITS } from '../../../src/channels/viber/limits.ts';
import type { CanonicalMessage, MessageKind } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { bodyOf, buildSandbox, R, render, rules, send, TOKEN, viber } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => app.close());

const accepted = async (message: CanonicalMessage, options?: Record<string, unknown>) => {
  const result = render(message, options);
  const res = await send(app, result.request);
  expect(res.status).toBe(200);
  expect(res.body, JSON.stringify(result.request.body)).toMatchObject({ status: 0, status_message: 'ok' });
  // What went on the wire: `authorize` adds the account's sender to the stored request.
  const sent = viber.authorize(result.request, viber.sandboxCredentials).body;
  return { ...result, request: { ...result.request, body: sent } };
};

describe('Viber render: every sample the emulator accepts', () => {
  const kinds = (Object.keys(SAMPLE_MESSAGES) as MessageKind[]).filter(
    (k) => k !== 'raw' && viber.capabilities[k].support !== 'refused',
  );
  for (const kind of kinds) {
    it(`renders the sample ${kind}`, async () => {
      expect(viber.check(SAMPLE_MESSAGES[kind])).toEqual([]);
      const result = await accepted(SAMPLE_MESSAGES[kind]);
      expect(result.request).toMatchObject({ method: 'POST', path: '/pa/send_message' });
      // Which forms of a kind degrade is test/e2e/capability-declarations.test.ts's to check.
      expect(bodyOf(result)['receiver']).toBe(R.user);
    });
  }
});

describe('Viber render: kinds', () => {
  it('renders text exactly', async () => {
    const r = await accepted({ type: 'text', text: 'Hello' }, { trackingData: 't-1', minApiVersion: 3 });
    // As sent: `authorize` added the account's sender.
    expect(r.request.body).toEqual({
      receiver: R.user,
      min_api_version: 3,
      sender: { name: 'Omnigate Sandbox' },
      tracking_data: 't-1',
      type: 'text',
      text: 'Hello',
    });
  });

  it('puts the sender from options in the body, and the token only in the header', () => {
    const r = render(
      { type: 'text', text: 'x' },
      { senderName: 'Shop', senderAvatar: 'https://x.example/a.jpg' },
    );
    expect(bodyOf(r)['sender']).toEqual({ name: 'Shop', avatar: 'https://x.example/a.jpg' });
    const auth = viber.authorize(r.request, viber.sandboxCredentials);
    expect(auth).toEqual({
      path: '/pa/send_message',
      headers: { 'X-Viber-Auth-Token': TOKEN },
      body: r.request.body,
    });
    // The request's own sender wins over the account's.
    expect((auth.body as Record<string, unknown>)['sender']).toEqual({
      name: 'Shop',
      avatar: 'https://x.example/a.jpg',
    });
  });

  it('fills the account sender at authorize when the request has none', () => {
    const r = render({ type: 'text', text: 'x' });
    expect(bodyOf(r)).not.toHaveProperty('sender');
    const sent = viber.authorize(r.request, {
      ...viber.sandboxCredentials,
      senderAvatar: 'https://x.example/b.png',
    });
    expect((sent.body as Record<string, unknown>)['sender']).toEqual({
      name: 'Omnigate Sandbox',
      avatar: 'https://x.example/b.png',
    });
    // The stored request is left as it was, and never holds the token.
    expect(bodyOf(r)).not.toHaveProperty('sender');
    expect(JSON.stringify(r.request)).not.toContain(TOKEN);
  });

  it('renders a picture with caption and thumbnail', async () => {
    const r = await accepted(SAMPLE_MESSAGES.media);
    expect(bodyOf(r)).toMatchObject({
      type: 'picture',
      text: 'A picture',
      media: 'https://cdn.example.com/pic.jpg',
      thumbnail: 'https://cdn.example.com/pic-small.jpg',
    });
  });

  it('renders video natively with a size, rounding duration to seconds, dropping the caption on record', async () => {
    const r = await accepted(
      {
        type: 'media',
        mediaType: 'video',
        url: 'https://x.example/v.mp4',
        durationMs: 9400,
        caption: 'Clip',
      },
      { mediaSize: 5000 },
    );
    expect(bodyOf(r)).toMatchObject({
      type: 'video',
      media: 'https://x.example/v.mp4',
      size: 5000,
      duration: 9,
    });
    expect(rules(r)).toEqual(['viber_no_caption']);
  });

  it('sends a video or file without a size as a link, with its caption as text', async () => {
    const withCaption = await accepted({
      type: 'media',
      mediaType: 'file',
      url: 'https://x.example/r.pdf',
      caption: 'Report',
    });
    expect(bodyOf(withCaption)).toMatchObject({ type: 'text', text: 'Report\nhttps://x.example/r.pdf' });
    const bare = await accepted({ type: 'media', mediaType: 'video', url: 'https://x.example/v.mp4' });
    expect(bodyOf(bare)).toMatchObject({ type: 'url', media: 'https://x.example/v.mp4' });
    expect(rules(bare)).toEqual(['viber_media_size_unknown']);
  });

  it('sends audio as a file (Viber has no audio message)', async () => {
    const r = await accepted(
      { type: 'media', mediaType: 'audio', url: 'https://x.example/song.mp3', fileName: 'song.mp3' },
      { mediaSize: 1234 },
    );
    expect(bodyOf(r)).toMatchObject({ type: 'file', size: 1234, file_name: 'song.mp3' });
    expect(rules(r)).toContain('viber_no_audio');
  });

  it('renders location as coordinates, recording the dropped label', async () => {
    const r = await accepted(SAMPLE_MESSAGES.location);
    expect(bodyOf(r)).toMatchObject({ type: 'location', location: { lat: 35.6586, lon: 139.7454 } });
    expect(rules(r)).toEqual(['viber_location_no_label']);
  });

  it('renders a sticker id as a number', async () => {
    const r = await accepted({ type: 'sticker', stickerId: '40129' });
    expect(bodyOf(r)).toMatchObject({ type: 'sticker', sticker_id: 40129 });
    expect(r.degradations).toEqual([]);
  });

  it('renders quick replies as a keyboard: reply → payload, message → its text, location picker', async () => {
    const r = await accepted(SAMPLE_MESSAGES.quick_replies);
    const keyboard = bodyOf(r)['keyboard'] as { Type: string; Buttons: Array<Record<string, unknown>> };
    expect(keyboard.Type).toBe('keyboard');
    expect(keyboard.Buttons.map((b) => [b['ActionType'], b['ActionBody'], b['Text']])).toEqual([
      ['reply', 'SIZE_S', 'Small'],
      ['reply', 'Large please', 'Large'],
      ['location-picker', 'location', 'Share location'],
    ]);
  });

  it('renders buttons as one rich media card with min_api_version 2, a call as an inert labelled cell', async () => {
    const r = await accepted(SAMPLE_MESSAGES.buttons);
    const body = bodyOf(r) as {
      min_api_version: number;
      rich_media: { Buttons: Array<Record<string, unknown>> };
    };
    expect(body.min_api_version).toBe(VIBER_LIMITS.richMediaMinApiVersion);
    const cells = body.rich_media.Buttons;
    expect(cells[0]).toMatchObject({ Image: 'https://cdn.example.com/header.jpg', Rows: 3 });
    expect(cells[1]?.['Text']).toBe('<b>Your order</b><br>What would you like to do?<br>Reply any time');
    expect(cells.slice(2).map((c) => c['ActionType'])).toEqual(['reply', 'open-url', 'none']);
    expect(cells.at(-1)).toMatchObject({ ActionType: 'none', Text: 'Call us: +6621234567' });
    expect(rules(r)).toContain('viber_no_call_button');
  });

  it('falls back to text with a keyboard when the buttons text does not fit a card cell', async () => {
    const r = await accepted({
      type: 'buttons',
      text: 'y'.repeat(400),
      actions: [{ type: 'url', title: 'Open', url: 'https://x.example' }],
    });
    expect(bodyOf(r)).toMatchObject({
      type: 'text',
      keyboard: { Buttons: [{ ActionType: 'open-url', ActionBody: 'https://x.example' }] },
    });
    expect(rules(r)).toEqual(['viber_buttons_as_keyboard']);
  });

  it('escapes HTML in card text and crops long card text on record', async () => {
    const r = await accepted({
      type: 'carousel',
      cards: [{ title: '<b>x</b> & co', text: 'z'.repeat(300) }],
    });
    const cells = (bodyOf(r)['rich_media'] as { Buttons: Array<{ Text?: string }> }).Buttons;
    expect(cells[0]?.Text).toContain('<b>&lt;b&gt;x&lt;/b&gt; &amp; co</b>');
    expect(rules(r)).toContain('viber_cell_text_cropped');
  });

  it('renders a carousel as rich media whose cards each fill the same grid', async () => {
    const r = await accepted(SAMPLE_MESSAGES.carousel);
    const rm = bodyOf(r)['rich_media'] as {
      ButtonsGroupRows: number;
      Buttons: Array<{ Rows: number; BgColor?: string }>;
    };
    expect(rm.Buttons.reduce((n, b) => n + b.Rows, 0)).toBe(2 * rm.ButtonsGroupRows);
    expect(rm.Buttons.some((b) => b.BgColor === '#00AA00')).toBe(true);
    expect(rules(r)).toContain('viber_badge_as_text');
  });

  it('degrades a carousel beyond 6 cards to numbered text with choices', async () => {
    const card = (i: number) => ({
      title: `C${i}`,
      actions: [{ type: 'reply' as const, title: 'Buy', payload: `BUY_${i}` }],
    });
    const r = await accepted({ type: 'carousel', cards: Array.from({ length: 7 }, (_, i) => card(i)) });
    expect(rules(r)).toContain('viber_carousel_too_many_cards');
    expect(r.choices).toHaveLength(7);
    expect(r.choices?.[6]).toEqual({ number: 7, title: 'C6: Buy', payload: 'BUY_6' });
    expect(String(bodyOf(r)['text'])).toContain('7. Buy');
  });

  it('renders a list as numbered text, a keyboard of row ids and choices', async () => {
    const r = await accepted(SAMPLE_MESSAGES.list);
    const rows =
      SAMPLE_MESSAGES.list.type === 'list' ? SAMPLE_MESSAGES.list.sections.flatMap((s) => s.rows) : [];
    expect(r.choices?.map((c) => c.payload)).toEqual(rows.map((row) => row.id));
    const keyboard = bodyOf(r)['keyboard'] as { Buttons: Array<{ ActionBody: string }> };
    expect(keyboard.Buttons.map((b) => b.ActionBody)).toEqual(rows.map((row) => row.id));
  });

  it('sends a raw payload as the body, with the receiver filled', async () => {
    const r = await accepted({
      type: 'raw',
      payload: { type: 'contact', contact: { name: 'Ann', phone_number: '+15555555555' } },
    });
    expect(bodyOf(r)).toEqual({
      sender: { name: 'Omnigate Sandbox' },
      receiver: R.user,
      type: 'contact',
      contact: { name: 'Ann', phone_number: '+15555555555' },
    });
  });

  it('classifies the emulator success as sent with the token', async () => {
    const res = await send(app, render({ type: 'text', text: 'id' }).request);
    expect(classifyViberResponse(res)).toEqual({
      kind: 'sent',
      providerMessageId: expect.stringMatching(/^\d{19}$/),
    });
  });
});
