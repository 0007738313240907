/**
 * Every documented limit of every channel (each connector's limits.ts) refuses the same way: 422,
 * the GW_CAPABILITY problem type, the field by JSON pointer, the limit's number in the detail, and
 * nothing stored. Preview and send answer alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTAGRAM_LIMITS } from '../../src/channels/instagram/limits.ts';
import { LINE_LIMITS } from '../../src/channels/line/limits.ts';
import { MESSENGER_LIMITS } from '../../src/channels/messenger/limits.ts';
import { TELEGRAM_LIMITS } from '../../src/channels/telegram/limits.ts';
import { VIBER_LIMITS } from '../../src/channels/viber/limits.ts';
import { WECHAT_LIMITS } from '../../src/channels/wechat/limits.ts';
import { WA_LIMITS } from '../../src/channels/whatsapp/limits.ts';
import type { Action, CanonicalMessage } from '../../src/core/vocabulary/message.ts';
import { SANDBOX_RECIPIENTS } from '../../src/sandbox/sample-recipients.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

interface LimitCase {
  channel: string;
  name: string;
  message: CanonicalMessage;
  /** The channel's own options of the send. */
  options?: Record<string, unknown>;
  pointer: string;
  limit: number;
}

const replies = (n: number): Action[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'reply', title: `R${i}`, payload: `P${i}` }));
const cards = (n: number, actions = 1) =>
  Array.from({ length: n }, (_, i) => ({
    imageUrl: `https://cdn.example.com/${i}.jpg`,
    title: `Card ${i}`,
    text: `About ${i}`,
    actions: replies(actions),
  }));
const text = (chars: number): CanonicalMessage => ({ type: 'text', text: 'x'.repeat(chars) });
const list = (sections: number, rows: number, rowTitle = 'Row'): CanonicalMessage => ({
  type: 'list',
  text: 'Choose',
  buttonText: 'Open',
  sections: Array.from({ length: sections }, (_, s) => ({
    title: `S${s}`,
    rows: Array.from({ length: rows }, (_, r) => ({ id: `r${s}-${r}`, title: rowTitle })),
  })),
});

const CASES: LimitCase[] = [
  // LINE
  {
    channel: 'line',
    name: 'text',
    message: text(LINE_LIMITS.text + 1),
    pointer: '/message/text',
    limit: LINE_LIMITS.text,
  },
  {
    channel: 'line',
    name: 'quick replies',
    message: { type: 'quick_replies', text: 'Pick', replies: replies(LINE_LIMITS.quickReplyItems + 1) },
    pointer: '/message/replies',
    limit: LINE_LIMITS.quickReplyItems,
  },
  {
    channel: 'line',
    name: 'buttons',
    message: { type: 'buttons', text: 'Pick', actions: replies(LINE_LIMITS.buttonsActions + 1) },
    pointer: '/message/actions',
    limit: LINE_LIMITS.buttonsActions,
  },
  {
    channel: 'line',
    name: 'carousel cards',
    message: { type: 'carousel', cards: cards(LINE_LIMITS.carouselColumns + 1) },
    pointer: '/message/cards',
    limit: LINE_LIMITS.carouselColumns,
  },
  {
    channel: 'line',
    name: 'actions per card',
    message: { type: 'carousel', cards: cards(2, LINE_LIMITS.carouselActions + 1) },
    pointer: '/message/cards/0/actions',
    limit: LINE_LIMITS.carouselActions,
  },
  {
    channel: 'line',
    name: 'postback data',
    message: {
      type: 'buttons',
      text: 'Pick',
      actions: [{ type: 'reply', title: 'Go', payload: 'p'.repeat(LINE_LIMITS.postbackData + 1) }],
    },
    pointer: '/message/actions/0/payload',
    limit: LINE_LIMITS.postbackData,
  },
  ...[
    ['under', LINE_LIMITS.loadingSecondsMin - 5, LINE_LIMITS.loadingSecondsMin],
    ['over', LINE_LIMITS.loadingSecondsMax + 5, LINE_LIMITS.loadingSecondsMax],
    ['off the step of', LINE_LIMITS.loadingSecondsMin + 2, LINE_LIMITS.loadingSecondsStep],
  ].map(
    ([how, seconds, limit]): LimitCase => ({
      channel: 'line',
      name: `loading seconds ${how}`,
      message: { type: 'sender_action', action: 'typing_on' },
      options: { loadingSeconds: seconds },
      pointer: '/options/line/loadingSeconds',
      limit: limit as number,
    }),
  ),
  // Messenger
  {
    channel: 'messenger',
    name: 'text',
    message: text(MESSENGER_LIMITS.text + 1),
    pointer: '/message/text',
    limit: MESSENGER_LIMITS.text,
  },
  {
    channel: 'messenger',
    name: 'quick replies',
    message: { type: 'quick_replies', text: 'Pick', replies: replies(MESSENGER_LIMITS.quickReplies + 1) },
    pointer: '/message/replies',
    limit: MESSENGER_LIMITS.quickReplies,
  },
  {
    channel: 'messenger',
    name: 'buttons',
    message: { type: 'buttons', text: 'Pick', actions: replies(MESSENGER_LIMITS.buttons + 1) },
    pointer: '/message/actions',
    limit: MESSENGER_LIMITS.buttons,
  },
  {
    channel: 'messenger',
    name: 'carousel cards',
    message: { type: 'carousel', cards: cards(MESSENGER_LIMITS.genericElements + 1) },
    pointer: '/message/cards',
    limit: MESSENGER_LIMITS.genericElements,
  },
  // Instagram
  {
    channel: 'instagram',
    name: 'text bytes',
    message: text(INSTAGRAM_LIMITS.textBytes + 1),
    pointer: '/message/text',
    limit: INSTAGRAM_LIMITS.textBytes,
  },
  // Telegram
  {
    channel: 'telegram',
    name: 'text',
    message: text(TELEGRAM_LIMITS.text + 1),
    pointer: '/message/text',
    limit: TELEGRAM_LIMITS.text,
  },
  {
    channel: 'telegram',
    name: 'caption',
    message: {
      type: 'media',
      mediaType: 'image',
      url: 'https://cdn.example.com/pic.jpg',
      caption: 'c'.repeat(TELEGRAM_LIMITS.caption + 1),
    },
    pointer: '/message/caption',
    limit: TELEGRAM_LIMITS.caption,
  },
  {
    channel: 'telegram',
    name: 'callback data',
    message: {
      type: 'buttons',
      text: 'Pick',
      actions: [{ type: 'reply', title: 'Go', payload: 'p'.repeat(TELEGRAM_LIMITS.callbackData + 1) }],
    },
    pointer: '/message/actions/0/payload',
    limit: TELEGRAM_LIMITS.callbackData,
  },
  // Viber
  {
    channel: 'viber',
    name: 'text',
    message: text(VIBER_LIMITS.text + 1),
    pointer: '/message/text',
    limit: VIBER_LIMITS.text,
  },
  {
    channel: 'viber',
    name: 'picture description',
    message: {
      type: 'media',
      mediaType: 'image',
      url: 'https://cdn.example.com/pic.jpg',
      caption: 'c'.repeat(VIBER_LIMITS.pictureText + 1),
    },
    pointer: '/message/caption',
    limit: VIBER_LIMITS.pictureText,
  },
  {
    channel: 'viber',
    name: 'sender name',
    message: text(5),
    options: { senderName: 's'.repeat(VIBER_LIMITS.senderName + 1) },
    pointer: '/options/viber/senderName',
    limit: VIBER_LIMITS.senderName,
  },
  {
    channel: 'viber',
    name: 'tracking data',
    message: text(5),
    options: { trackingData: 't'.repeat(VIBER_LIMITS.trackingData + 1) },
    pointer: '/options/viber/trackingData',
    limit: VIBER_LIMITS.trackingData,
  },
  // WeChat
  {
    channel: 'wechat',
    name: 'text bytes',
    message: text(WECHAT_LIMITS.textBytes + 1),
    pointer: '/message/text',
    limit: WECHAT_LIMITS.textBytes,
  },
  {
    channel: 'wechat',
    name: 'menu items',
    message: { type: 'quick_replies', text: 'Pick', replies: replies(WECHAT_LIMITS.menuItems + 1) },
    pointer: '/message/replies',
    limit: WECHAT_LIMITS.menuItems,
  },
  {
    channel: 'wechat',
    name: 'menu item id bytes',
    message: {
      type: 'quick_replies',
      text: 'Pick',
      replies: [{ type: 'reply', title: 'Go', payload: 'p'.repeat(WECHAT_LIMITS.menuIdBytes + 1) }],
    },
    pointer: '/message/replies/0/payload',
    limit: WECHAT_LIMITS.menuIdBytes,
  },
  // WhatsApp
  {
    channel: 'whatsapp',
    name: 'text',
    message: text(WA_LIMITS.text + 1),
    pointer: '/message/text',
    limit: WA_LIMITS.text,
  },
  {
    channel: 'whatsapp',
    name: 'caption',
    message: {
      type: 'media',
      mediaType: 'image',
      url: 'https://cdn.example.com/pic.jpg',
      caption: 'c'.repeat(WA_LIMITS.caption + 1),
    },
    pointer: '/message/caption',
    limit: WA_LIMITS.caption,
  },
  {
    channel: 'whatsapp',
    name: 'list sections',
    message: list(WA_LIMITS.listSections + 1, 1),
    pointer: '/message/sections',
    limit: WA_LIMITS.listSections,
  },
  {
    channel: 'whatsapp',
    name: 'list rows',
    message: list(1, WA_LIMITS.listRowsTotal + 1),
    pointer: '/message/sections',
    limit: WA_LIMITS.listRowsTotal,
  },
  {
    channel: 'whatsapp',
    name: 'list row title',
    message: list(1, 1, 't'.repeat(WA_LIMITS.listRowTitle + 1)),
    pointer: '/message/sections/0/rows/0/title',
    limit: WA_LIMITS.listRowTitle,
  },
  {
    channel: 'whatsapp',
    name: 'list button',
    message: {
      ...(list(1, 1) as Extract<CanonicalMessage, { type: 'list' }>),
      buttonText: 'b'.repeat(WA_LIMITS.listButton + 1),
    },
    pointer: '/message/buttonText',
    limit: WA_LIMITS.listButton,
  },
  {
    channel: 'whatsapp',
    name: 'reply-to message id',
    message: text(5),
    options: { replyTo: `wamid.${'A'.repeat(WA_LIMITS.replyToId - 5)}` },
    pointer: '/options/whatsapp/replyTo',
    limit: WA_LIMITS.replyToId,
  },
];

const stored = async () => (await gw.api('GET', '/v1/messages?limit=100')).json.data.length;

describe('every channel limit answers 422 GW_CAPABILITY, naming the field and the limit', () => {
  it.each(CASES.map((c) => [`${c.channel} ${c.name} over ${c.limit}`, c] as const))('%s', async (_, c) => {
    const before = await stored();
    const body = {
      channel: c.channel,
      to: SANDBOX_RECIPIENTS[c.channel]!(1),
      message: c.message,
      ...(c.options ? { options: { [c.channel]: c.options } } : {}),
    };
    for (const path of ['/v1/messages', '/v1/messages/preview']) {
      const res = await gw.api('POST', path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json.code).toBe('GW_CAPABILITY');
      expect(res.json.type).toMatch(/\/capability$/);
      const issue = (res.json.errors as Array<{ pointer: string; rule: string; detail: string }>).find(
        (e) => e.pointer === c.pointer,
      );
      expect(issue, `${path}: no issue at ${c.pointer} in ${JSON.stringify(res.json.errors)}`).toBeDefined();
      expect(issue!.rule).toEqual(expect.any(String));
      expect(issue!.detail).toMatch(new RegExp(`\\b${c.limit}\\b`));
    }
    expect(await stored()).toBe(before);
  });
});

describe('a send option at its limit is accepted', () => {
  it.each([
    [
      'line',
      { type: 'sender_action', action: 'typing_on' },
      { loadingSeconds: LINE_LIMITS.loadingSecondsMax },
    ],
    ['whatsapp', text(5), { replyTo: `wamid.${'A'.repeat(WA_LIMITS.replyToId - 6)}` }],
  ] as const)('%s', async (channel, message, options) => {
    const res = await gw.api('POST', '/v1/messages', {
      channel,
      to: SANDBOX_RECIPIENTS[channel]!(1),
      message,
      options: { [channel]: options },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
  });
});
