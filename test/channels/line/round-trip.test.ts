/**
 * Every sample LINE carries: check passes, render + authorize produce a request the strict emulator
 * accepts, and classify reads its answer as sent.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintReplyToken } from '../../../src/channels/line/emulator/state.ts';
import { lineConnector } from '../../../src/channels/line/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { bigReceipt, buildSandbox, longList, send, USER } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const carried = Object.entries(SAMPLE_MESSAGES).filter(
  ([kind]) => lineConnector.capabilities[kind as keyof typeof SAMPLE_MESSAGES].support !== 'refused',
);

/** Variants that reach the renderer branches the samples do not. */
const VARIANTS: Record<string, CanonicalMessage> = {
  video: {
    type: 'media',
    mediaType: 'video',
    url: 'https://cdn.example.com/v.mp4',
    previewUrl: 'https://cdn.example.com/v.jpg',
  },
  audio: { type: 'media', mediaType: 'audio', url: 'https://cdn.example.com/a.m4a', durationMs: 60_000 },
  imageWithoutPreview: { type: 'media', mediaType: 'image', url: 'https://cdn.example.com/p.png' },
  file: {
    type: 'media',
    mediaType: 'file',
    url: 'http://files.example.com/report.pdf',
    caption: 'Your report',
  },
  bareLocation: { type: 'location', latitude: 13.7563, longitude: 100.5018 },
  buttonsHeaderAndTitle: {
    type: 'buttons',
    title: 'Order',
    header: { text: 'Shop' },
    text: 'Choose',
    footer: 'x'.repeat(80),
    actions: [{ type: 'message', title: 'Hi', text: 'Hello' }],
  },
  templateCarousel: {
    type: 'carousel',
    imageAspectRatio: 'square',
    cards: [
      {
        title: 'A',
        text: 'first',
        defaultAction: { type: 'url', title: 'Open', url: 'https://example.com/a' },
        actions: [{ type: 'call', title: 'Call', phoneNumber: '+6621234567' }],
      },
      { title: 'B', text: 'second', actions: [{ type: 'reply', title: 'Pick', payload: 'B' }] },
    ],
  },
  flexCarouselNoImage: {
    type: 'carousel',
    cards: [
      {
        title: 'Sale',
        badge: { text: '-20%' },
        defaultAction: { type: 'reply', title: 'Go', payload: 'GO' },
      },
    ],
  },
  fullReceipt: {
    type: 'receipt',
    recipientName: 'Ann',
    orderNumber: 'A-2',
    currency: 'JPY',
    paymentMethod: 'Cash',
    elements: [
      {
        title: 'Tea',
        subtitle: 'Green',
        quantity: 2,
        price: 300,
        imageUrl: 'https://cdn.example.com/tea.png',
      },
    ],
    summary: { subtotal: 600, shippingCost: 0, totalTax: 60, totalCost: 660 },
  },
  listOverOneBubble: longList(60, 400),
  listAsText: longList(1000, 0),
  receiptOverOneBubble: bigReceipt(40),
  flexCarouselOverOneCarousel: {
    type: 'carousel',
    cards: Array.from({ length: 6 }, (_, i) => ({
      title: `C${i}`,
      text: '漢'.repeat(5000),
      badge: { text: 'b' },
    })),
  },
  imagemapAtLimits: {
    type: 'imagemap',
    baseUrl: 'https://cdn.example.com/map',
    altText: 'a'.repeat(1500),
    width: 1040,
    height: 700,
    areas: Array.from({ length: 50 }, (_, i) => ({
      x: i * 20,
      y: 0,
      width: 20,
      height: 700,
      action: { type: 'message' as const, title: 't'.repeat(100), text: 'x'.repeat(400) },
    })),
  },
  rawFlex: {
    type: 'raw',
    payload: {
      type: 'flex',
      altText: 'raw flex',
      contents: {
        type: 'bubble',
        body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'hi' }] },
      },
    },
  },
};

async function roundTrip(message: CanonicalMessage, options?: Record<string, unknown>) {
  expect(lineConnector.check(message)).toEqual([]);
  const { request, degradations } = lineConnector.render(message, {
    to: USER,
    retryKey: randomUUID(),
    ...(options ? { options } : {}),
  });
  const response = await send(app, request);
  expect(response.body, JSON.stringify(response.body)).not.toHaveProperty('details');
  expect([200, 202]).toContain(response.status);
  const outcome = lineConnector.classify(response);
  expect(outcome.kind).toBe('sent');
  return { request, degradations, response, outcome };
}

describe('LINE render → strict emulator', () => {
  it.each(carried)('sample %s is accepted and classified as sent', async (kind, message) => {
    const { outcome } = await roundTrip(message);
    if (kind !== 'sender_action')
      expect(outcome).toMatchObject({ providerMessageId: expect.stringMatching(/^\d+$/) });
  });

  it.each(Object.entries(VARIANTS))('variant %s is accepted', async (_name, message) => {
    await roundTrip(message);
  });

  it('sends with the reply API when given a reply token, once', async () => {
    const replyToken = mintReplyToken(lineConnector.sandboxCredentials['channelSecret']!);
    const { request } = await roundTrip(SAMPLE_MESSAGES.quick_replies, {
      replyToken,
      notificationDisabled: true,
    });
    expect(request.path).toBe('/v2/bot/message/reply');
    expect(request.headers?.['X-Line-Retry-Key']).toBeUndefined();
    const again = await send(app, request);
    expect(again.status).toBe(400);
    expect(lineConnector.classify(again)).toMatchObject({
      kind: 'permanent',
      code: 'line_invalid_reply_token',
    });
  });

  it('refuses a reply token older than LINE takes, as LINE does', async () => {
    const stale = mintReplyToken(lineConnector.sandboxCredentials['channelSecret']!, Date.now() - 61_000);
    const { request } = lineConnector.render(SAMPLE_MESSAGES.text, {
      to: USER,
      retryKey: randomUUID(),
      options: { replyToken: stale },
    });
    const res = await send(app, request);
    expect(res.status).toBe(400);
    expect(lineConnector.classify(res)).toMatchObject({
      kind: 'permanent',
      code: 'line_invalid_reply_token',
    });
  });

  it('records what it answered, without the access token', async () => {
    const last = recorder.entries.at(-1);
    expect(last?.headers['authorization']).toBe('Bearer [redacted]');
    const res = await app.inject({ method: 'GET', url: `/sandbox/line/_requests?to=${USER}` });
    const listed = res.json() as Array<{ body: { to?: string; chatId?: string } }>;
    expect(listed.length).toBeGreaterThan(carried.length);
    // Pushes name the user in `to`, the loading indicator in `chatId`.
    expect(listed.every((r) => (r.body.to ?? r.body.chatId) === USER)).toBe(true);
  });
});
