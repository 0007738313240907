/**
 * WhatsApp's documented limits, checked before anything is stored, with pointers into the
 * caller's body; and a message that passes check() is accepted by the emulator.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappConnector } from '../../../src/channels/whatsapp/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { buildSandbox, rendered, send } from './helpers.ts';

const check = (m: CanonicalMessage) => whatsappConnector.check(m);
const rules = (m: CanonicalMessage) => check(m).map((i) => [i.pointer, i.rule]);
const reply = (title: string, payload = title) => ({ type: 'reply' as const, title, payload });

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

describe('WhatsApp check: recipients', () => {
  it('takes digits in international format without +', () => {
    expect(whatsappConnector.checkRecipient('16505551234')).toBeUndefined();
    for (const bad of ['+16505551234', '0650555', '1650 555 1234', '1234567890123456']) {
      expect(whatsappConnector.checkRecipient(bad), bad).toMatch(/international format/);
    }
  });
});

describe('WhatsApp check: lengths', () => {
  it('text ≤ 4096 characters, counted as code points', () => {
    expect(check({ type: 'text', text: '😀'.repeat(4096) })).toEqual([]);
    expect(check({ type: 'text', text: 'a'.repeat(4097) })).toEqual([
      {
        pointer: '/message/text',
        rule: 'maxLength',
        detail: 'WhatsApp allows at most 4096 characters here; this has 4097',
      },
    ]);
  });

  it('caption ≤ 1024; audio takes none', () => {
    expect(
      rules({ type: 'media', mediaType: 'image', url: 'https://x.example/a.jpg', caption: 'c'.repeat(1025) }),
    ).toEqual([['/message/caption', 'maxLength']]);
    expect(
      rules({ type: 'media', mediaType: 'audio', url: 'https://x.example/a.ogg', caption: 'c' }),
    ).toEqual([['/message/caption', 'channel_capability']]);
  });
});

describe('WhatsApp check: buttons and quick replies, per the form they take', () => {
  it('reply button titles ≤ 20, ids ≤ 256, unique titles', () => {
    expect(
      rules({ type: 'buttons', text: 'x', actions: [reply('t'.repeat(21)), reply('ok', 'p'.repeat(257))] }),
    ).toEqual([
      ['/message/actions/0/title', 'maxLength'],
      ['/message/actions/1/payload', 'maxLength'],
    ]);
    expect(
      rules({ type: 'quick_replies', text: 'x', replies: [reply('Same', 'a'), reply('Same', 'b')] }),
    ).toEqual([['/message/replies/1', 'unique']]);
  });

  it('replies shown as a list allow 24-character titles and 200-character ids', () => {
    const five = ['a', 'b', 'c', 'd'].map((p) => reply(`${p}`.repeat(24), p));
    expect(check({ type: 'quick_replies', text: 'x', replies: five })).toEqual([]);
    expect(
      rules({ type: 'quick_replies', text: 'x', replies: [...five, reply('e', 'e'.repeat(201))] }),
    ).toEqual([['/message/replies/4/payload', 'maxLength']]);
  });

  it('interactive body ≤ 1024, header ≤ 60, footer ≤ 60, CTA text ≤ 20', () => {
    expect(
      rules({
        type: 'buttons',
        title: 'h'.repeat(61),
        text: 'b'.repeat(1025),
        footer: 'f'.repeat(61),
        actions: [{ type: 'url', title: 'u'.repeat(21), url: 'https://x.example' }],
      }),
    ).toEqual([
      ['/message/text', 'maxLength'],
      ['/message/title', 'maxLength'],
      ['/message/footer', 'maxLength'],
      ['/message/actions/0/title', 'maxLength'],
    ]);
  });

  it('numbered text only has the 4096 limit', () => {
    const actions = [
      reply('x'.repeat(100)),
      { type: 'call' as const, title: 'Call', phoneNumber: '+15555550100' },
    ];
    expect(check({ type: 'buttons', text: 'b'.repeat(2000), actions })).toEqual([]);
    expect(rules({ type: 'buttons', text: 'b'.repeat(4000), actions })).toEqual([
      ['/message/text', 'maxLength'],
    ]);
  });
});

describe('WhatsApp check: lists', () => {
  const rows = (n: number, p: string) =>
    Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, title: `Row ${i}` }));

  it('≤ 10 rows in all sections, titled sections when several, row limits', () => {
    expect(
      rules({
        type: 'list',
        text: 'x',
        buttonText: 'Open',
        sections: [
          { title: 'A', rows: rows(6, 'a') },
          { title: 'B', rows: rows(5, 'b') },
        ],
      }),
    ).toEqual([['/message/sections', 'maxItems']]);
    expect(
      rules({
        type: 'list',
        text: 'x',
        buttonText: 'Open',
        sections: [{ rows: rows(1, 'a') }, { rows: rows(1, 'b') }],
      }),
    ).toEqual([
      ['/message/sections/0/title', 'required'],
      ['/message/sections/1/title', 'required'],
    ]);
    expect(
      rules({
        type: 'list',
        text: 'x',
        buttonText: 'b'.repeat(21),
        sections: [
          {
            title: 's'.repeat(25),
            rows: [
              { id: 'a', title: 't'.repeat(25), description: 'd'.repeat(73) },
              { id: 'a', title: 'x' },
            ],
          },
        ],
      }),
    ).toEqual([
      ['/message/buttonText', 'maxLength'],
      ['/message/sections/0/title', 'maxLength'],
      ['/message/sections/0/rows/0/title', 'maxLength'],
      ['/message/sections/0/rows/0/description', 'maxLength'],
      ['/message/sections/0/rows/1/id', 'unique'],
    ]);
  });
});

describe('WhatsApp check: carousels and templates', () => {
  it('a media carousel card body (title and text) ≤ 160', () => {
    const card = (text: string) => ({
      imageUrl: 'https://x.example/a.jpg',
      title: 'T',
      text,
      actions: [reply('Go')],
    });
    expect(rules({ type: 'carousel', cards: [card('x'.repeat(150)), card('y'.repeat(160))] })).toEqual([
      ['/message/cards/1/text', 'maxLength'],
    ]);
  });

  it('templates need a language, a valid name, and one parameter style', () => {
    expect(
      rules({ type: 'template', name: 'Order-Update', bodyParameters: ['a'], parameters: { a: 'b' } }),
    ).toEqual([
      ['/message/name', 'pattern'],
      ['/message/language', 'required'],
      ['/message/parameters', 'channel_capability'],
    ]);
  });
});

describe('WhatsApp check agrees with the emulator', () => {
  const passing: CanonicalMessage[] = [
    { type: 'text', text: 'a'.repeat(4096) },
    {
      type: 'buttons',
      text: 'b'.repeat(1024),
      footer: 'f'.repeat(60),
      title: 'h'.repeat(60),
      actions: [reply('t'.repeat(20), 'p'.repeat(256))],
    },
    {
      type: 'quick_replies',
      text: 'x',
      replies: Array.from({ length: 10 }, (_, i) => reply(`${i}`.padEnd(24, 'r'), `${i}`.padEnd(200, 'p'))),
    },
    {
      type: 'list',
      text: 'x',
      buttonText: 'b'.repeat(20),
      sections: [
        { title: 's'.repeat(24), rows: [{ id: 'a', title: 't'.repeat(24), description: 'd'.repeat(72) }] },
      ],
    },
  ];
  it.each(passing.map((m, i) => [i, m] as const))('message %i at the limits passes both', async (_i, m) => {
    expect(check(m)).toEqual([]);
    const res = await send(app, rendered(m).request);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});
