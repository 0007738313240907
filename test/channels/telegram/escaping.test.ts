/**
 * With a parse mode, everything Omnigate composes (titles, footers, card and list text, receipts,
 * call lines) is escaped for that mode. Proven against the emulator, which parses markup as Telegram
 * does: each degraded sample, filled with characters both modes reserve, is accepted under
 * MarkdownV2 and HTML, and the text Telegram would show is exactly what the plain rendering says.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFor } from '../../../src/channels/telegram/format.ts';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type { ParseMode } from '../../../src/channels/telegram/options.ts';
import type { CanonicalMessage, MessageOf } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { buildSandbox, CHAT, send } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

/** Every MarkdownV2 reserved character, a backslash, HTML's specials and a literal reference. */
const NASTY =
  'Deal: 50% off! (today) [new] *x* _y_ __u__ ~z~ ||s|| `c` #1 a+b=c-d {x} |p| v1.0 \\ >q <b> & &amp; "q"';

const buttons = SAMPLE_MESSAGES.buttons as MessageOf<'buttons'>;
const carousel = SAMPLE_MESSAGES.carousel as MessageOf<'carousel'>;
const list = SAMPLE_MESSAGES.list as MessageOf<'list'>;
const receipt = SAMPLE_MESSAGES.receipt as MessageOf<'receipt'>;

const CASES: Array<[string, CanonicalMessage]> = [
  ['buttons', buttons],
  [
    'buttons, nasty',
    {
      ...buttons,
      header: { ...buttons.header, text: NASTY },
      title: NASTY,
      footer: NASTY,
      actions: [...buttons.actions, { type: 'call', title: NASTY, phoneNumber: '+66 (2) 123-4567' }],
    },
  ],
  ['carousel', carousel],
  [
    'carousel, nasty',
    {
      ...carousel,
      cards: carousel.cards.map((card) => ({
        ...card,
        title: NASTY,
        text: NASTY,
        badge: { text: NASTY, color: '#FF0000' },
        actions: [...(card.actions ?? []), { type: 'call', title: NASTY, phoneNumber: '+1 (555) 010-0000' }],
      })),
    },
  ],
  ['list', list],
  [
    'list, nasty',
    {
      ...list,
      header: NASTY,
      footer: NASTY,
      sections: list.sections.map((s) => ({
        title: NASTY,
        rows: s.rows.map((r) => ({ ...r, title: `${r.title} ${NASTY}`.slice(0, 200), description: NASTY })),
      })),
    },
  ],
  ['receipt', receipt],
  [
    'receipt, nasty',
    {
      ...receipt,
      recipientName: NASTY,
      orderNumber: 'A-1001.2!',
      paymentMethod: NASTY,
      elements: [
        { title: NASTY, subtitle: NASTY, quantity: 2, price: 10.5, imageUrl: 'https://x.example/a_(1).png' },
      ],
    },
  ],
];

/** The caller's own text is markup under a parse mode; a caller escapes it, as this one does. */
function asCaller(message: CanonicalMessage, mode: ParseMode): CanonicalMessage {
  return 'text' in message && typeof message.text === 'string'
    ? { ...message, text: escapeFor(mode, message.text) }
    : message;
}

const shown = (body: unknown): string => {
  const b = body as { text?: string; caption?: string };
  return b.text ?? b.caption ?? '';
};

describe.each(['MarkdownV2', 'HTML'] as const)('composed text under %s', (parseMode) => {
  it.each(CASES)('%s is accepted and shows what the plain rendering says', async (_name, message) => {
    const plain = telegramConnector.render(message, { to: CHAT, retryKey: 'k' }).request;
    const marked = telegramConnector.render(asCaller(message, parseMode), {
      to: CHAT,
      retryKey: 'k',
      options: { parseMode },
    }).request;
    expect(marked.path).toBe(plain.path);
    expect(marked.body).toMatchObject({ parse_mode: parseMode });
    const response = await send(app, marked);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const result = (response.body as { result: unknown }).result;
    expect(shown(result)).toBe(shown(plain.body));
    // Composed text is plain text: escaping must not turn any of it into formatting.
    expect(result).not.toHaveProperty('entities');
    expect(result).not.toHaveProperty('caption_entities');
  });
});
