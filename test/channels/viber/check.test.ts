/**
 * Viber's documented limits, refused before anything is stored, with pointers and rule names.
 */
import { describe, expect, it } from 'vitest';
import { VIBER_LIMITS } from '../../../src/channels/viber/limits.ts';
import { R, viber } from './helpers.ts';

describe('Viber check', () => {
  it('allows 7000 characters of text and refuses 7001', () => {
    expect(viber.check({ type: 'text', text: 'x'.repeat(VIBER_LIMITS.text) })).toEqual([]);
    expect(viber.check({ type: 'text', text: 'x'.repeat(VIBER_LIMITS.text + 1) })).toEqual([
      { pointer: '/message/text', rule: 'maxLength', detail: expect.stringContaining('7000') },
    ]);
  });

  it('limits a picture description to 768 and its URL to a .jpeg/.png/.gif', () => {
    const pic = { type: 'media' as const, mediaType: 'image' as const, url: 'https://x.example/a.png' };
    expect(viber.check({ ...pic, caption: 'c'.repeat(768) })).toEqual([]);
    expect(viber.check({ ...pic, caption: 'c'.repeat(769) })[0]).toMatchObject({
      pointer: '/message/caption',
      rule: 'maxLength',
    });
    expect(viber.check({ ...pic, url: 'https://x.example/a.webp' })[0]).toMatchObject({
      pointer: '/message/url',
      rule: 'url_extension',
    });
  });

  it('refuses a media id: Viber fetches by URL', () => {
    expect(viber.check({ type: 'media', mediaType: 'file', mediaId: 'abc' })).toEqual([
      expect.objectContaining({ pointer: '/message/url', rule: 'required' }),
    ]);
  });

  it('refuses a non-numeric sticker id', () => {
    expect(viber.check({ type: 'sticker', stickerId: 'CAACAgIAAxkBAAE' })[0]).toMatchObject({
      pointer: '/message/stickerId',
      rule: 'pattern',
    });
  });

  it('refuses a card with more actions than its 7 rows hold', () => {
    const actions = Array.from({ length: 4 }, (_, i) => ({
      type: 'reply' as const,
      title: `A${i}`,
      payload: `P${i}`,
    }));
    expect(
      viber.check({
        type: 'carousel',
        cards: [{ imageUrl: 'https://x.example/a.png', title: 'T', actions }],
      }),
    ).toEqual([
      expect.objectContaining({
        pointer: '/message/cards/0/actions',
        rule: 'maxItems',
        detail: expect.stringContaining('3 action'),
      }),
    ]);
    expect(
      viber.check({
        type: 'carousel',
        cards: [{ imageUrl: 'https://x.example/a.png', title: 'T', actions: actions.slice(0, 3) }],
      }),
    ).toEqual([]);
  });

  it('refuses a list too long for one text message', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: `r${i}`, title: 't'.repeat(90) }));
    expect(
      viber.check({ type: 'list', text: 'Pick', buttonText: 'Open', sections: [{ rows }] })[0],
    ).toMatchObject({
      pointer: '/message/sections',
      rule: 'maxLength',
    });
  });

  it('refuses a message over 30 KB of JSON', () => {
    const replies = Array.from({ length: 100 }, (_, i) => ({
      type: 'reply' as const,
      title: `t${i}`.padEnd(250, 'x'),
      payload: 'p'.repeat(200),
    }));
    expect(viber.check({ type: 'quick_replies', text: 'Pick', replies })).toEqual([
      expect.objectContaining({ pointer: '/message', rule: 'maxBytes' }),
    ]);
  });

  it('wants a raw payload to name its type', () => {
    expect(viber.check({ type: 'raw', payload: { text: 'x' } })[0]).toMatchObject({
      pointer: '/message/payload/type',
      rule: 'required',
    });
  });

  it('checks recipients are Viber subscriber ids', () => {
    expect(viber.checkRecipient(R.user)).toBeUndefined();
    expect(viber.checkRecipient(R.notSubscribed)).toBeUndefined();
    expect(viber.checkRecipient('+447700900123')).toMatch(/subscriber id/);
  });

  it('refuses what Viber has no form for, with reasons', () => {
    for (const kind of ['imagemap', 'template', 'sender_action'] as const) {
      expect(viber.capabilities[kind]).toMatchObject({ support: 'refused', reason: expect.any(String) });
    }
  });
});
