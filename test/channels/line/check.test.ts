import { describe, expect, it } from 'vitest';
import { lineConnector } from '../../../src/channels/line/index.ts';
import type { Action, CanonicalMessage, MessageOf } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';

const check = (m: CanonicalMessage) => lineConnector.check(m).map(({ pointer, rule }) => ({ pointer, rule }));
const reply = (n: number): Action => ({ type: 'reply', title: `R${n}`, payload: `P${n}` });

describe('LINE check', () => {
  it('passes every sample LINE carries', () => {
    for (const [kind, message] of Object.entries(SAMPLE_MESSAGES)) {
      if (kind === 'template') continue;
      expect(check(message), kind).toEqual([]);
    }
  });

  it('counts text in UTF-16 units', () => {
    expect(check({ type: 'text', text: '🍎'.repeat(2500) })).toEqual([]);
    expect(check({ type: 'text', text: `${'🍎'.repeat(2500)}a` })).toEqual([
      { pointer: '/message/text', rule: 'maxLength' },
    ]);
  });

  it('wants HTTPS media, a video preview and an audio duration', () => {
    expect(check({ type: 'media', mediaType: 'image', url: 'http://x.example/a.jpg' })).toEqual([
      { pointer: '/message/url', rule: 'https_only' },
    ]);
    expect(check({ type: 'media', mediaType: 'video', url: 'https://x.example/a.mp4' })).toEqual([
      { pointer: '/message/previewUrl', rule: 'required' },
    ]);
    expect(
      check({ type: 'media', mediaType: 'audio', url: `https://x.example/${'a'.repeat(2000)}` }),
    ).toEqual([{ pointer: '/message/url', rule: 'maxLength' }]);
    // An audio's duration may be read from the file; without one found, it is required.
    const audio = { type: 'media', mediaType: 'audio', url: 'https://x.example/a.m4a' } as const;
    expect(
      lineConnector.linkedMedia?.check(audio, { '/message/url': { unavailable: 'ENOTFOUND' } }, undefined),
    ).toEqual([expect.objectContaining({ pointer: '/message/durationMs', rule: 'required' })]);
    expect(
      lineConnector.linkedMedia?.check(
        audio,
        { '/message/url': { facts: { url: audio.url, durationMs: 5 } } },
        undefined,
      ),
    ).toEqual([]);
    // A file is sent as a link, which LINE never fetches.
    expect(check({ type: 'media', mediaType: 'file', url: 'http://x.example/a.pdf' })).toEqual([]);
  });

  it('wants a numeric sticker with its package', () => {
    expect(check({ type: 'sticker', stickerId: 'CAACAgIAAxkB' })).toEqual([
      { pointer: '/message/packageId', rule: 'required' },
      { pointer: '/message/stickerId', rule: 'pattern' },
    ]);
  });

  it('applies the buttons template limits', () => {
    const issues = check({
      type: 'buttons',
      title: 'T'.repeat(41),
      text: 'x'.repeat(61),
      actions: [
        { type: 'reply', title: 'a'.repeat(21), payload: 'p'.repeat(301) },
        { type: 'location_request', title: 'Where' },
        { type: 'message', title: 'm', text: 'm'.repeat(301) },
        reply(4),
        reply(5),
      ],
    });
    expect(issues).toEqual([
      { pointer: '/message/title', rule: 'maxLength' },
      { pointer: '/message/text', rule: 'maxLength' },
      { pointer: '/message/actions', rule: 'maxItems' },
      { pointer: '/message/actions/0/title', rule: 'maxLength' },
      { pointer: '/message/actions/0/payload', rule: 'maxLength' },
      { pointer: '/message/actions/1', rule: 'channel_capability' },
      { pointer: '/message/actions/2/text', rule: 'maxLength' },
    ]);
  });

  it('counts labels in graphemes, not code units', () => {
    const family = '👨‍👩‍👧‍👦'; // one grapheme, 11 UTF-16 units
    const ok: CanonicalMessage = {
      type: 'quick_replies',
      text: 'x',
      replies: [{ type: 'reply', title: family.repeat(20), payload: 'p' }],
    };
    expect(check(ok)).toEqual([]);
  });

  it('allows 13 quick replies, not 14', () => {
    const replies = Array.from({ length: 14 }, (_, i) => reply(i));
    expect(check({ type: 'quick_replies', text: 'x', replies: replies.slice(0, 13) })).toEqual([]);
    expect(check({ type: 'quick_replies', text: 'x', replies })).toEqual([
      { pointer: '/message/replies', rule: 'maxItems' },
    ]);
  });

  it('applies the template carousel limits and its uniform-columns rule', () => {
    const card = { title: 'T', text: 'x', actions: [reply(1)] };
    const cards = [
      card,
      { text: 'y', actions: [reply(1), reply(2), reply(3), reply(4)], imageUrl: 'https://x.example/a.jpg' },
      { title: 'T' },
      ...Array.from({ length: 8 }, () => card),
    ];
    expect(check({ type: 'carousel', cards })).toEqual([
      { pointer: '/message/cards', rule: 'maxItems' },
      { pointer: '/message/cards/1/actions', rule: 'maxItems' },
      { pointer: '/message/cards/1/actions', rule: 'line_carousel_uniform' },
      { pointer: '/message/cards/1/imageUrl', rule: 'line_carousel_uniform' },
      { pointer: '/message/cards/1/title', rule: 'line_carousel_uniform' },
      { pointer: '/message/cards/2/text', rule: 'required' },
      { pointer: '/message/cards/2/actions', rule: 'required' },
    ]);
  });

  it('checks a coloured (Flex) carousel against Flex limits instead', () => {
    const cards = Array.from({ length: 13 }, (_, i) => ({ title: `C${i}`, buttonColor: '#112233' }));
    expect(check({ type: 'carousel', cards: cards.slice(0, 12) })).toEqual([]);
    expect(check({ type: 'carousel', cards })).toEqual([{ pointer: '/message/cards', rule: 'maxItems' }]);
    const bad = [
      { badge: { text: 'new' }, defaultAction: { type: 'location_request', title: 'x' } as Action },
    ];
    expect(check({ type: 'carousel', cards: bad })).toEqual([
      { pointer: '/message/cards/0/defaultAction', rule: 'channel_capability' },
    ]);
  });

  it('limits list row ids to postback data length', () => {
    const list = structuredClone(SAMPLE_MESSAGES.list) as Extract<CanonicalMessage, { type: 'list' }>;
    list.sections[0]!.rows[1]!.id = 'i'.repeat(301);
    expect(check(list)).toEqual([{ pointer: '/message/sections/0/rows/1/id', rule: 'maxLength' }]);
  });

  it('refuses typing_off and mark_seen', () => {
    expect(check({ type: 'sender_action', action: 'typing_off' })).toEqual([
      { pointer: '/message/action', rule: 'channel_capability' },
    ]);
    expect(check({ type: 'sender_action', action: 'mark_seen' })).toHaveLength(1);
  });

  it('checks location and imagemap fields', () => {
    expect(check({ type: 'location', latitude: 0, longitude: 0, title: 't'.repeat(101) })).toEqual([
      { pointer: '/message/title', rule: 'maxLength' },
    ]);
    const imagemap = structuredClone(SAMPLE_MESSAGES.imagemap) as Extract<
      CanonicalMessage,
      { type: 'imagemap' }
    >;
    imagemap.baseUrl = 'http://cdn.example.com/map';
    expect(check(imagemap)).toEqual([{ pointer: '/message/baseUrl', rule: 'https_only' }]);
  });

  it("applies LINE's imagemap limits: width 1040, 50 areas, action text 400, label 100", () => {
    type AreaAction = MessageOf<'imagemap'>['areas'][number]['action'];
    const area = (i: number, action: AreaAction) => ({ x: i, y: 0, width: 10, height: 10, action });
    const message = (text: string, n = 50): CanonicalMessage => ({
      type: 'imagemap',
      baseUrl: 'https://cdn.example.com/map',
      altText: 'Map',
      width: 1040,
      height: 1040,
      areas: Array.from({ length: n }, (_, i) => area(i, { type: 'message', title: 'm'.repeat(100), text })),
    });
    expect(check(message('🍎'.repeat(200)))).toEqual([]);
    expect(check(message(`${'🍎'.repeat(200)}a`, 51))).toEqual([
      { pointer: '/message/areas', rule: 'maxItems' },
      ...Array.from({ length: 51 }, (_, i) => ({
        pointer: `/message/areas/${i}/action/text`,
        rule: 'maxLength',
      })),
    ]);
    const narrow = { ...(message('hi', 1) as MessageOf<'imagemap'>), width: 1024 };
    narrow.areas[0] = area(0, { type: 'url', title: 't'.repeat(101), url: 'https://example.com/a' });
    const issues = lineConnector.check(narrow);
    expect(issues.map(({ pointer, rule }) => ({ pointer, rule }))).toEqual([
      { pointer: '/message/width', rule: 'line_imagemap_width' },
      { pointer: '/message/areas/0/action/title', rule: 'maxLength' },
    ]);
    expect(issues[0]?.detail).toContain('1040');
    expect(issues[0]?.detail).toContain('1024');
  });

  it("refuses a raw Flex message over 30 KB, and holds raw objects to the emulator's limits", () => {
    const bubble = (bytes: number) => {
      const shell = {
        type: 'bubble',
        body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: '' }] },
      };
      const text = 'x'.repeat(bytes - JSON.stringify(shell).length);
      return { ...shell, body: { ...shell.body, contents: [{ type: 'text', text }] } };
    };
    const raw = (contents: unknown): CanonicalMessage => ({
      type: 'raw',
      payload: { type: 'flex', altText: 'big', contents },
    });
    expect(check(raw(bubble(30_000)))).toEqual([]);
    const refused = lineConnector.check(raw(bubble(30_001)));
    expect(refused).toEqual([
      {
        pointer: '/message/payload/contents',
        rule: 'maxBytes',
        detail: expect.stringMatching(/30000 bytes; this is 30001/),
      },
    ]);
    // Two bubbles that each fit, in a carousel over 50 KB.
    expect(check(raw({ type: 'carousel', contents: [bubble(25_000), bubble(25_000)] }))).toEqual([
      { pointer: '/message/payload/contents', rule: 'maxBytes' },
    ]);
    const imagemap = {
      type: 'imagemap',
      baseUrl: 'https://cdn.example.com/map',
      altText: 'Map',
      baseSize: { width: 700, height: 700 },
      actions: [{ type: 'message', text: 'x'.repeat(401), area: { x: -1, y: 0, width: 1, height: 1 } }],
    };
    expect(check({ type: 'raw', payload: imagemap })).toEqual([
      { pointer: '/message/payload/baseSize/width', rule: 'line_imagemap_width' },
      { pointer: '/message/payload/actions/0/text', rule: 'maxLength' },
      { pointer: '/message/payload/actions/0/area/x', rule: 'minimum' },
    ]);
  });

  it('refuses a Flex card over 30 KB, and a list or carousel that fits no LINE request', () => {
    // A kanji is three UTF-8 bytes: 10 000 of them make a 30 KB bubble on their own.
    const card = { title: 'x'.repeat(1000), text: '漢'.repeat(10_000), badge: { text: 'big' } };
    const ok = { title: 'x', text: '"'.repeat(5000), badge: { text: 'b' } };
    expect(check({ type: 'carousel', cards: [ok, card] })).toEqual([
      { pointer: '/message/cards/1', rule: 'maxBytes' },
    ]);
    // Twelve cards of ~26 KB: one per 50 KB carousel, twelve carousels where a request carries five.
    const fat = { title: 'x', text: '漢'.repeat(8500), badge: { text: 'b' } };
    expect(check({ type: 'carousel', cards: Array.from({ length: 12 }, () => fat) })).toEqual([
      { pointer: '/message/cards', rule: 'line_message_count' },
    ]);
    const rows = Array.from({ length: 100 }, (_, i) => ({
      id: `r${i}`,
      title: 'x'.repeat(1000),
      description: 'y'.repeat(1000),
    }));
    const list: CanonicalMessage = {
      type: 'list',
      text: 'Pick',
      buttonText: 'Rows',
      sections: Array.from({ length: 2 }, () => ({ rows })),
    };
    const [refusal] = lineConnector.check(list);
    expect(refusal).toMatchObject({ pointer: '/message/sections', rule: 'line_message_count' });
    expect(refusal?.detail).toMatch(/at most 5 messages.*30000.*5000/);
  });

  it('validates recipients', () => {
    expect(lineConnector.checkRecipient(`U${'a'.repeat(32)}`)).toBeUndefined();
    expect(lineConnector.checkRecipient(`C${'0'.repeat(32)}`)).toBeUndefined();
    expect(lineConnector.checkRecipient(`U${'A'.repeat(32)}`)).toBeTypeOf('string');
    expect(lineConnector.checkRecipient('kutemukan')).toBeTypeOf('string');
  });
});
