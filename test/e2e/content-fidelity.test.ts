/**
 * What a person sees is what the sender wrote, through the public API: a list's button label and
 * a card's badge reach the provider request on channels that have no place of their own for them
 * (or the message records why not), and Telegram text is measured after its markup is parsed, as
 * Telegram measures it: refused over the limit with nothing queued, sent under it however long its
 * source; the Telegram emulator ignores parameters it does not know, as Telegram does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramConnector } from '../../src/channels/telegram/index.ts';
import { VIBER_SANDBOX_RECEIVERS as VIBER } from '../../src/channels/viber/emulator/receivers.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { TELEGRAM_CHAT } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const SENT = ['sent', 'delivered', 'read'];

interface Degradation {
  pointer: string;
  to: string;
}

/** Sends, waits until the provider took it, and returns the message and the body the emulator took. */
async function sendAndTake(channel: string, to: string, message: unknown, options?: Record<string, unknown>) {
  const id = await gw.sendAccepted(channel, to, message, options);
  const done = await gw.waitForStatus(id, [...SENT, 'failed']);
  expect(done.status, JSON.stringify(done.events)).not.toBe('failed');
  const taken = gw.requests(channel, to).filter((r) => r.status === 200);
  // biome-ignore lint/suspicious/noExplicitAny: provider bodies are read freely.
  const body = taken.at(-1)?.body as any;
  expect(body).toBeDefined();
  return { message: done, body, degradations: done.degradations as Degradation[] };
}

const LIST = { ...SAMPLE_MESSAGES.list, buttonText: 'See the slots' };

describe("a list's button label (Konnek's list title)", () => {
  it.each([
    ['telegram', TELEGRAM_CHAT, (b: { text: string }) => b.text],
    ['messenger', '1254477777779001', (b: { message: { text: string } }) => b.message.text],
    ['instagram', '6281923771239001', (b: { message: { text: string } }) => b.message.text],
    ['viber', VIBER.user, (b: { text: string }) => b.text],
    [
      'wechat',
      'oFidelityListUser00000000001',
      (b: { msgmenu: { head_content: string } }) => b.msgmenu.head_content,
    ],
  ] as const)('reaches %s as the paragraph before the rows, recorded', async (channel, to, textOf) => {
    const { body, degradations } = await sendAndTake(channel, to, LIST);
    const text = (textOf as (b: unknown) => string)(body);
    expect(text).toContain('Choose a delivery slot\n\nSee the slots');
    expect(degradations).toContainEqual(
      expect.objectContaining({ pointer: '/message/buttonText', to: expect.stringMatching(/paragraph/) }),
    );
  });

  it('is the button that opens the list on WhatsApp, where nothing is degraded', async () => {
    const { body, degradations } = await sendAndTake('whatsapp', '16505559001', LIST);
    expect(body.interactive.action.button).toBe('See the slots');
    expect(body.interactive.action.sections[0].title).toBe('Tomorrow');
    expect(degradations).toEqual([]);
  });

  it('keeps each WeChat section title it cannot place on record', async () => {
    const { body, degradations } = await sendAndTake('wechat', 'oFidelityListUser00000000002', LIST);
    expect(body.msgmenu.list.map((i: { id: string }) => i.id)).toEqual(['slot-1', 'slot-2']);
    expect(degradations).toContainEqual(
      expect.objectContaining({
        pointer: '/message/sections/0/title',
        to: expect.stringMatching(/^dropped/),
      }),
    );
  });
});

describe('a carousel badge on Messenger and Instagram', () => {
  const card = (badge: string, text?: string) => ({
    type: 'carousel',
    cards: [
      {
        imageUrl: 'https://cdn.example.com/a.jpg',
        title: 'Shirt',
        ...(text !== undefined ? { text } : {}),
        badge: { text: badge, color: '#FF0000' },
        actions: [{ type: 'reply', title: 'Buy', payload: 'BUY' }],
      },
    ],
  });

  it.each([
    ['messenger', '1254477777779002'],
    ['instagram', '6281923771239002'],
  ])('leads the %s subtitle, its colour recorded as lost', async (channel, to) => {
    const { body, degradations } = await sendAndTake(channel, to, card('SALE -50%', 'Cotton, blue'));
    expect(body.message.attachment.payload.elements[0].subtitle).toBe('SALE -50%\nCotton, blue');
    expect(degradations).toContainEqual({
      pointer: '/message/cards/0/badge',
      from: 'badge',
      to: "first line of the card's subtitle (without its colour)",
      rule: `${channel}_no_badge`,
    });
  });

  it('is dropped on record when the 80-character subtitle has no room for it', async () => {
    const to = '1254477777779003';
    const { body, degradations } = await sendAndTake('messenger', to, card('NEW', 'x'.repeat(78)));
    expect(body.message.attachment.payload.elements[0].subtitle).toBe('x'.repeat(78));
    expect(degradations).toContainEqual(
      expect.objectContaining({ pointer: '/message/cards/0/badge', to: expect.stringMatching(/^dropped/) }),
    );
  });
});

describe('Telegram text, measured after entity parsing', () => {
  const v2 = { parseMode: 'MarkdownV2' };

  it('sends a markup-heavy text whose source is over 4096 but whose parsed text is not', async () => {
    const text = '*bold* '.repeat(800);
    expect(text.length).toBe(5600);
    const { body } = await sendAndTake('telegram', TELEGRAM_CHAT, { type: 'text', text }, v2);
    expect(body).toMatchObject({ text, parse_mode: 'MarkdownV2' });
    const answered = gw.requests('telegram', TELEGRAM_CHAT).at(-1)?.response as { result: { text: string } };
    expect(answered.result.text).toBe('bold '.repeat(800).trimEnd());
  });

  it('refuses 422 what is over 4096 once parsed, or unparsable, with nothing queued', async () => {
    const before = (await gw.api('GET', '/v1/messages?channel=telegram&limit=100')).json.data.length;
    const taken = gw.requests('telegram').length;
    const over = await gw.send('telegram', TELEGRAM_CHAT, { type: 'text', text: '*bold* '.repeat(820) }, v2);
    expect(over.status).toBe(422);
    expect(over.json.code).toBe('GW_CAPABILITY');
    expect(over.json.errors).toEqual([
      {
        pointer: '/message/text',
        rule: 'maxLength',
        detail:
          'Telegram allows at most 4096 characters in a message, counted after entity parsing (markup removed, ends trimmed); this has 4099',
      },
    ]);
    const unparsable = await gw.send('telegram', TELEGRAM_CHAT, { type: 'text', text: 'Total: 5.00!' }, v2);
    expect(unparsable.status).toBe(422);
    expect(unparsable.json.errors[0]).toMatchObject({ pointer: '/message/text', rule: 'telegram_markup' });
    const list = { ...LIST, text: `_${'x'.repeat(4096)}_` };
    const listOver = await gw.send('telegram', TELEGRAM_CHAT, list, v2);
    expect(listOver.json.errors[0]).toMatchObject({ pointer: '/message/sections', rule: 'maxLength' });
    expect((await gw.api('GET', '/v1/messages?channel=telegram&limit=100')).json.data).toHaveLength(before);
    expect(gw.requests('telegram')).toHaveLength(taken);
  });
});

describe('the Telegram emulator', () => {
  it('answers ok to a request with a parameter it does not know, as Telegram ignores it', async () => {
    const token = telegramConnector.sandboxCredentials['botToken'];
    const res = await gw.app.inject({
      method: 'POST',
      url: `/sandbox/telegram/bot${token}/sendMessage`,
      headers: { 'content-type': 'application/json' },
      payload: { chat_id: Number(TELEGRAM_CHAT), text: 'hi', message_colour: 'red' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, result: { text: 'hi' } });
  });
});
