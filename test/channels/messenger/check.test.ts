/**
 * Messenger's documented limits, checked before anything is stored, each with a pointer into the
 * canonical message, a rule name and a detail.
 */
import { describe, expect, it } from 'vitest';
import { messengerConnector as c } from '../../../src/channels/messenger/index.ts';
import type { Action, CanonicalMessage } from '../../../src/core/vocabulary/message.ts';

const reply = (i: number, title = `R${i}`): Action => ({ type: 'reply', title, payload: `P${i}` });
const issues = (m: CanonicalMessage) => c.check(m).map((i) => [i.pointer, i.rule]);

describe('Messenger check', () => {
  it('checks the recipient is a PSID', () => {
    expect(c.checkRecipient('1254477777772919')).toBeUndefined();
    expect(c.checkRecipient('U123')).toMatch(/PSID/);
  });

  it('text: 2000 characters, counted in code points', () => {
    expect(issues({ type: 'text', text: '😀'.repeat(2000) })).toEqual([]);
    expect(c.check({ type: 'text', text: 'a'.repeat(2001) })).toEqual([
      { pointer: '/message/text', rule: 'maxLength', detail: expect.stringContaining('2000 characters') },
    ]);
  });

  it('quick replies: at most 13 payload replies, titles of 20, payloads of 1000', () => {
    const thirteen = Array.from({ length: 13 }, (_, i) => reply(i));
    expect(issues({ type: 'quick_replies', text: 'x', replies: thirteen })).toEqual([]);
    expect(issues({ type: 'quick_replies', text: 'x', replies: [...thirteen, reply(13)] })).toEqual([
      ['/message/replies', 'maxItems'],
    ]);
    // A url reply becomes a text line, so it does not count.
    expect(
      issues({
        type: 'quick_replies',
        text: 'x',
        replies: [...thirteen, { type: 'url', title: 'Site', url: 'https://example.com' }],
      }),
    ).toEqual([]);
    expect(issues({ type: 'quick_replies', text: 'x', replies: [reply(0, 'x'.repeat(21))] })).toEqual([
      ['/message/replies/0/title', 'maxLength'],
    ]);
    expect(
      issues({
        type: 'quick_replies',
        text: 'x',
        replies: [{ type: 'reply', title: 'a', payload: 'p'.repeat(1001) }],
      }),
    ).toEqual([['/message/replies/0/payload', 'maxLength']]);
  });

  it('buttons: at most 3, template text of 640 with the folded title and footer', () => {
    expect(issues({ type: 'buttons', text: 'x', actions: [reply(0), reply(1), reply(2), reply(3)] })).toEqual(
      [['/message/actions', 'maxItems']],
    );
    expect(
      issues({ type: 'buttons', text: 'x'.repeat(600), title: 't'.repeat(50), actions: [reply(0)] }),
    ).toEqual([['/message/text', 'maxLength']]);
    expect(issues({ type: 'buttons', text: 'x', actions: [reply(0, 'Twenty-one characters')] })).toEqual([
      ['/message/actions/0/title', 'maxLength'],
    ]);
  });

  it('carousel: at most 10 cards, a title of 80, a subtitle of 80, 3 buttons, something besides the title', () => {
    const card = { title: 'T', text: 'S' };
    expect(issues({ type: 'carousel', cards: Array(10).fill(card) })).toEqual([]);
    expect(issues({ type: 'carousel', cards: Array(11).fill(card) })).toEqual([
      ['/message/cards', 'maxItems'],
    ]);
    expect(
      issues({
        type: 'carousel',
        cards: [
          { title: 't'.repeat(81), text: 's'.repeat(81) },
          { text: 'no title' },
          { title: 'only a title' },
          { title: 'T', actions: [reply(0), reply(1), reply(2), reply(3)] },
        ],
      }),
    ).toEqual([
      ['/message/cards/0/title', 'maxLength'],
      ['/message/cards/0/text', 'maxLength'],
      ['/message/cards/1/title', 'required'],
      ['/message/cards/2', 'required'],
      ['/message/cards/3/actions', 'maxItems'],
    ]);
  });

  it('list: the numbered text must fit 2000 characters; row ids are payloads of 1000', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, title: 'x'.repeat(80) }));
    expect(issues({ type: 'list', text: 'x', buttonText: 'b', sections: [{ rows }] })).toEqual([
      ['/message/sections', 'maxLength'],
    ]);
    expect(
      issues({
        type: 'list',
        text: 'x',
        buttonText: 'b',
        sections: [{ rows: [{ id: 'i'.repeat(1001), title: 'r' }] }],
      }),
    ).toEqual([['/message/sections/0/rows/0/id', 'maxLength']]);
  });

  it('raw: exactly one of message or sender_action', () => {
    expect(issues({ type: 'raw', payload: { message: { text: 'x' } } })).toEqual([]);
    expect(issues({ type: 'raw', payload: { text: 'x' } })).toEqual([['/message/payload', 'required']]);
  });
});

describe('Messenger check of media', () => {
  it('wants a url or a numeric attachment id', () => {
    expect(issues({ type: 'media', mediaType: 'image' })).toEqual([['/message/url', 'required']]);
    expect(issues({ type: 'media', mediaType: 'video', mediaId: 'file_abc' })).toEqual([
      ['/message/mediaId', 'pattern'],
    ]);
    expect(issues({ type: 'media', mediaType: 'video', mediaId: '1857777774821032' })).toEqual([]);
  });
});
