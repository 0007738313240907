/**
 * check() finds what WeChat would refuse before anything is stored, and the emulator refuses the
 * same bodies when check is bypassed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatConnector } from '../../../src/channels/wechat/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { freshOpenid, harness, render, sendWithToken } from './helpers.ts';

const check = (m: CanonicalMessage) => wechatConnector.check(m);

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await harness.buildSandbox());
});
afterAll(async () => app.close());

async function errcodeOf(m: CanonicalMessage): Promise<unknown> {
  const res = await sendWithToken(app, render(m, freshOpenid()).request);
  return (res.body as { errcode: unknown }).errcode;
}

describe('WeChat check', () => {
  it('checks openids', () => {
    expect(wechatConnector.checkRecipient('o6_bmjrPTlm6_2sgVt7hMZOPfL2M')).toBeUndefined();
    expect(wechatConnector.checkRecipient('o6_bmjr')).toMatch(/openid/);
    expect(wechatConnector.checkRecipient('o6_bmjrPTlm6_2sgVt7hMZOPfL2M!')).toMatch(/openid/);
  });

  it('limits text to 2048 UTF-8 bytes, as the emulator does', async () => {
    const ok: CanonicalMessage = { type: 'text', text: '好'.repeat(682) };
    expect(check(ok)).toEqual([]);
    const long: CanonicalMessage = { type: 'text', text: '好'.repeat(683) };
    expect(check(long)).toEqual([expect.objectContaining({ pointer: '/message/text', rule: 'maxBytes' })]);
    expect(await errcodeOf(ok)).toBe(0);
    expect(await errcodeOf(long)).toBe(45002);
  });

  it('requires an uploaded media id and refuses files', async () => {
    const byUrl: CanonicalMessage = { type: 'media', mediaType: 'image', url: 'https://example.com/a.jpg' };
    const issues = check(byUrl);
    expect(issues).toEqual([expect.objectContaining({ pointer: '/message/mediaId', rule: 'required' })]);
    expect(issues[0]?.detail).toMatch(/media_id/);
    expect(await errcodeOf(byUrl)).toBe(40007);
    expect(check({ type: 'media', mediaType: 'file', mediaId: 'FILE_1' })).toEqual([
      expect.objectContaining({ pointer: '/message/mediaType', rule: 'channel_capability' }),
    ]);
  });

  it('limits menu items, id bytes and duplicate ids', async () => {
    const many: CanonicalMessage = {
      type: 'quick_replies',
      text: 'Pick',
      replies: Array.from({ length: 11 }, (_, i) => ({
        type: 'reply' as const,
        title: `T${i}`,
        payload: `P${i}`,
      })),
    };
    expect(check(many)).toEqual([expect.objectContaining({ pointer: '/message/replies', rule: 'maxItems' })]);
    expect(await errcodeOf(many)).toBe(47001);

    const dup: CanonicalMessage = {
      type: 'buttons',
      text: 'Pick',
      actions: [
        { type: 'reply', title: 'A', payload: 'SAME' },
        { type: 'url', title: 'Site', url: 'https://example.com' },
        { type: 'reply', title: 'B', payload: 'SAME' },
      ],
    };
    expect(check(dup)).toEqual([
      expect.objectContaining({ pointer: '/message/actions/2/payload', rule: 'unique' }),
    ]);
    expect(await errcodeOf(dup)).toBe(47001);

    const longId: CanonicalMessage = {
      type: 'list',
      text: 'Pick',
      buttonText: 'Open',
      sections: [{ rows: [{ id: 'x'.repeat(65), title: 'Row' }] }],
    };
    expect(check(longId)).toEqual([
      expect.objectContaining({ pointer: '/message/sections/0/rows/0/id', rule: 'maxBytes' }),
    ]);
  });

  it('limits a news title and refuses mark_seen and raw payloads without msgtype', () => {
    const title = 'T'.repeat(65);
    expect(
      check({
        type: 'carousel',
        cards: [{ title, defaultAction: { type: 'url', title: 'Go', url: 'https://example.com' } }],
      }),
    ).toEqual([expect.objectContaining({ pointer: '/message/cards/0/title', rule: 'maxLength' })]);
    expect(check({ type: 'sender_action', action: 'mark_seen' })).toEqual([
      expect.objectContaining({ pointer: '/message/action', rule: 'channel_capability' }),
    ]);
    expect(check({ type: 'raw', payload: { text: { content: 'x' } } })).toEqual([
      expect.objectContaining({ pointer: '/message/payload/msgtype', rule: 'required' }),
    ]);
  });

  it('refuses stickers, imagemaps and templates in capabilities with a reason', () => {
    for (const kind of ['sticker', 'imagemap', 'template'] as const) {
      const cap = wechatConnector.capabilities[kind];
      expect(cap.support).toBe('refused');
      expect(cap.support === 'refused' ? cap.reason : '').toMatch(/WeChat/);
    }
  });
});
