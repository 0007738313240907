/**
 * Every sample Telegram carries: check passes, render + authorize produce a request the strict
 * emulator accepts, and classify reads its answer as sent.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type { CanonicalMessage, MessageKind } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { buildSandbox, CHAT, send } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

// The raw sample is a LINE message object; Telegram's raw payloads name a method (see VARIANTS).
const carried = Object.entries(SAMPLE_MESSAGES).filter(
  ([kind]) => telegramConnector.capabilities[kind as MessageKind].support !== 'refused' && kind !== 'raw',
);

const VARIANTS: Record<string, CanonicalMessage> = {
  video: { type: 'media', mediaType: 'video', url: 'https://cdn.example.com/v.mp4', durationMs: 61_400 },
  audio: { type: 'media', mediaType: 'audio', url: 'https://cdn.example.com/a.mp3', caption: 'Listen' },
  file: {
    type: 'media',
    mediaType: 'file',
    url: 'https://files.example.com/report.pdf',
    fileName: 'report.pdf',
    caption: 'Your report',
  },
  bareLocation: { type: 'location', latitude: 13.7563, longitude: 100.5018 },
  titleOnlyLocation: { type: 'location', latitude: 13.7563, longitude: 100.5018, title: 'Bangkok' },
  buttonsAllActions: {
    type: 'buttons',
    header: { text: 'Shop' },
    text: 'Choose',
    actions: [
      { type: 'message', title: 'Hi', text: 'Hello' },
      { type: 'location_request', title: 'Where are you?' },
      { type: 'call', title: 'Call', phoneNumber: '+6621234567' },
    ],
  },
  buttonsOnlyCall: {
    type: 'buttons',
    text: 'Ring us',
    actions: [{ type: 'call', title: 'Call', phoneNumber: '+6621234567' }],
  },
  buttonsLongTextWithImage: {
    type: 'buttons',
    header: { imageUrl: 'https://cdn.example.com/h.jpg' },
    text: 'x'.repeat(2000),
    actions: [{ type: 'reply', title: 'OK', payload: 'OK' }],
  },
  quickRepliesUrlCall: {
    type: 'quick_replies',
    text: 'Or reach us',
    replies: [
      { type: 'url', title: 'Site', url: 'https://example.com' },
      { type: 'call', title: 'Call', phoneNumber: '+6621234567' },
    ],
  },
  carouselDefaultActions: {
    type: 'carousel',
    cards: [
      {
        title: 'A',
        defaultAction: { type: 'url', title: 'Open', url: 'https://example.com/a' },
        actions: [
          { type: 'call', title: 'Call', phoneNumber: '+6621234567' },
          { type: 'message', title: 'Say', text: 'I like A' },
        ],
      },
      { text: 'no title' },
    ],
  },
  fullReceipt: {
    type: 'receipt',
    recipientName: 'Ann',
    orderNumber: 'A-2',
    currency: 'JPY',
    paymentMethod: 'Cash',
    elements: [
      { title: 'Tea', subtitle: 'Green', quantity: 2, price: 300, imageUrl: 'https://cdn.example.com/t.png' },
    ],
    summary: { subtotal: 600, shippingCost: 0, totalTax: 60, totalCost: 660 },
  },
  rawPoll: {
    type: 'raw',
    payload: {
      method: 'sendPoll',
      question: 'Tea or coffee?',
      options: [{ text: 'Tea' }, { text: 'Coffee' }],
    },
  },
  rawMediaGroup: {
    type: 'raw',
    payload: {
      method: 'sendMediaGroup',
      media: [
        { type: 'photo', media: 'https://cdn.example.com/1.jpg', caption: 'one' },
        { type: 'video', media: 'https://cdn.example.com/2.mp4' },
      ],
    },
  },
  rawDice: { type: 'raw', payload: { method: 'sendDice', emoji: '🎯' } },
};

async function roundTrip(message: CanonicalMessage, options?: Record<string, unknown>, to = CHAT) {
  expect(telegramConnector.check(message)).toEqual([]);
  const { request, degradations } = telegramConnector.render(message, {
    to,
    retryKey: randomUUID(),
    ...(options ? { options } : {}),
  });
  expect(JSON.stringify(request)).not.toContain(telegramConnector.sandboxCredentials['botToken']);
  const response = await send(app, request);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const outcome = telegramConnector.classify(response);
  expect(outcome.kind).toBe('sent');
  return { request, degradations, response, outcome };
}

describe('Telegram render → strict emulator', () => {
  it.each(carried)('sample %s is accepted and classified as sent', async (kind, message) => {
    const { outcome, degradations } = await roundTrip(message);
    if (kind === 'sender_action') expect(outcome).toEqual({ kind: 'sent' });
    else expect(outcome).toMatchObject({ providerMessageId: expect.stringMatching(/^\d+:\d+$/) });
    const capability = telegramConnector.capabilities[kind as MessageKind];
    if (capability.support === 'degraded') {
      expect(degradations.map((d) => d.rule)).toContain(capability.rule);
    }
  });

  it.each(Object.entries(VARIANTS))('variant %s is accepted', async (_name, message) => {
    await roundTrip(message);
  });

  it('applies the options: parse mode, reply, silent', async () => {
    const { request, response } = await roundTrip(
      {
        type: 'buttons',
        title: 'Deal: 50% off!',
        text: '*Bold* offer',
        actions: [{ type: 'reply', title: 'Go', payload: 'GO' }],
      },
      { parseMode: 'MarkdownV2', replyToMessageId: 1, disableNotification: true },
    );
    expect(request.body).toMatchObject({
      parse_mode: 'MarkdownV2',
      reply_parameters: { message_id: 1 },
      disable_notification: true,
      text: 'Deal: 50% off\\!\n\n*Bold* offer',
    });
    expect(response.body).toMatchObject({ result: { reply_to_message: { message_id: 1 } } });
  });

  it('sends to a @username and a group', async () => {
    const a = await roundTrip(SAMPLE_MESSAGES.text, undefined, '@omnigate_news');
    expect(a.request.body).toMatchObject({ chat_id: '@omnigate_news' });
    const b = await roundTrip(SAMPLE_MESSAGES.text, undefined, '-1001234567890');
    expect(b.request.body).toMatchObject({ chat_id: -1001234567890 });
  });

  it('numbers messages per chat', async () => {
    const first = await roundTrip(SAMPLE_MESSAGES.text, undefined, '777001');
    const second = await roundTrip(SAMPLE_MESSAGES.text, undefined, '777001');
    const other = await roundTrip(SAMPLE_MESSAGES.text, undefined, '777002');
    expect(first.outcome).toEqual({ kind: 'sent', providerMessageId: '777001:1' });
    expect(second.outcome).toEqual({ kind: 'sent', providerMessageId: '777001:2' });
    // The other chat's first message is also message_id 1; the chat keeps the ids apart.
    expect(other.outcome).toEqual({ kind: 'sent', providerMessageId: '777002:1' });
  });

  it('records what it answered, without the bot token, and lists by chat', async () => {
    const last = recorder.entries.at(-1);
    expect(last?.path).toMatch(/^\/bot\{token\}\//);
    expect(JSON.stringify(recorder.entries)).not.toContain(telegramConnector.sandboxCredentials['botToken']);
    const res = await app.inject({ method: 'GET', url: `/sandbox/telegram/_requests?to=${CHAT}` });
    const listed = (res.json() as { data: Array<{ body: { chat_id?: unknown } }> }).data;
    expect(listed.length).toBeGreaterThanOrEqual(carried.length);
    expect(listed.every((r) => String(r.body.chat_id) === CHAT)).toBe(true);
  });
});
