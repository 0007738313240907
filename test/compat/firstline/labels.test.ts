/**
 * FIRST LINE options keep their labels on Telegram: the document's own quick-reply example, sent
 * verbatim to a Telegram contact, shows each option's label while a tap still posts back its
 * value (a reply-keyboard button could only send what it shows, so the options go as inline
 * buttons, which the message records).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { TELEGRAM_CHAT } from '../../support/recipients.ts';
import { delivered, example, pushAccepted, withContact } from './client.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

describe('a FIRST LINE quick reply to Telegram', () => {
  it('shows the labels, and a tap posts back the value', async () => {
    const seed = example('quickreply.txt');
    const id = await pushAccepted(gw, 'telegram', withContact(seed, 'App\\TelegramContact', TELEGRAM_CHAT));
    const { message, body } = await delivered(gw, id);
    expect(body.text).toBe('內文訊息');
    expect(body.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: '#001', url: 'https://www.firstline.cc/' }],
        [{ text: '#002', callback_data: '002' }],
        [{ text: '#003', callback_data: '003' }],
      ],
    });
    expect(message.degradations).toContainEqual(
      expect.objectContaining({ pointer: '/message/replies', rule: 'telegram_quick_replies_inline' }),
    );

    await gw.simulateOk('telegram', { chatId: Number(TELEGRAM_CHAT), callbackData: '002' });
    const taps = (await gw.inbound('postback')).filter((e) => e.event.from === TELEGRAM_CHAT);
    expect(taps.map((e) => e.event.payload)).toEqual(['002']);
  });

  it('keeps the keyboard where labels and values agree, as before', async () => {
    const same = {
      contactable_type: 'App\\TelegramContact',
      contactable_id: TELEGRAM_CHAT,
      type: 'quickreply',
      message: { explain_text: 'Size?', options: [{ label: 'S', value: 'S', type: 'text' }] },
    };
    const { body } = await delivered(gw, await pushAccepted(gw, 'telegram', same));
    expect(body.reply_markup).toEqual({
      keyboard: [[{ text: 'S' }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
  });
});
