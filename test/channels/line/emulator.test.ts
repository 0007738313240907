/**
 * The emulator refuses what LINE refuses, in LINE's words, and honours retry keys and reply tokens.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineConnector } from '../../../src/channels/line/index.ts';
import { buildSandbox, PREFIX, post, push, send, USER } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const PUSH = '/v2/bot/message/push';
const text = (t: string) => ({ type: 'text', text: t });

describe('LINE emulator: authentication', () => {
  it('refuses a missing or wrong access token with 401', async () => {
    const missing = await app.inject({ method: 'POST', url: PREFIX + PUSH, payload: push([text('hi')]) });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().message).toMatch(/^Authorization header required/);
    const wrong = await post(app, PUSH, push([text('hi')]), { authorization: 'Bearer nope' });
    expect(wrong).toEqual({
      status: 401,
      body: {
        message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
      },
    });
    expect(recorder.entries.at(-1)?.status).toBe(401);
  });
});

describe('LINE emulator: request bodies', () => {
  it('answers malformed JSON with a LINE-shaped 400', async () => {
    const res = await post(app, PUSH, '{"to":');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/JSON/);
  });

  it('refuses an unknown property (LINE documents none as optional)', async () => {
    const res = await post(app, PUSH, push([{ ...text('hi'), quickreply: { items: [] } }]));
    expect(res).toEqual({
      status: 400,
      body: {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Unknown property', property: 'messages[0].quickreply' }],
      },
    });
  });

  it('refuses an unknown message type with the allowed list', async () => {
    const res = await post(app, PUSH, push([{ type: 'file', url: 'https://x' }]));
    expect(res.status).toBe(400);
    expect(res.body.details?.[0]).toMatchObject({ property: 'messages[0].type' });
    expect(res.body.details?.[0]?.message).toMatch(/^Must be one of the following values: \[text, /);
  });

  it('counts text in UTF-16 units: 5000 pass, 5001 fail', async () => {
    const emoji = '🍎'.repeat(2500);
    expect((await post(app, PUSH, push([text(emoji)]))).status).toBe(200);
    const res = await post(app, PUSH, push([text(`${emoji}a`)]));
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { property: 'messages[0].text', message: 'Length must be between 0 and 5000' },
    ]);
  });

  it('refuses empty text', async () => {
    const res = await post(app, PUSH, push([text('')]));
    expect(res.body.details).toEqual([{ property: 'messages[0].text', message: 'May not be empty' }]);
  });

  it('refuses http:// media', async () => {
    const image = {
      type: 'image',
      originalContentUrl: 'http://x.example/a.jpg',
      previewImageUrl: 'https://x.example/b.jpg',
    };
    const res = await post(app, PUSH, push([image]));
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { property: 'messages[0].originalContentUrl', message: 'Only HTTPS URLs are allowed' },
    ]);
  });

  it('refuses six messages and none', async () => {
    const six = await post(app, PUSH, push(Array.from({ length: 6 }, () => text('x'))));
    expect(six.body.details).toEqual([{ property: 'messages', message: 'Size must be between 1 and 5' }]);
    expect((await post(app, PUSH, push([]))).status).toBe(400);
  });

  it('refuses a malformed recipient in LINE words', async () => {
    const res = await post(app, PUSH, push([text('hi')], 'someone'));
    expect(res).toEqual({
      status: 400,
      body: { message: "The property, 'to', in the request body is invalid (line: -, column: -)" },
    });
  });

  it('enforces template limits: labels, action counts, uniform carousel columns', async () => {
    const action = (label: string) => ({ type: 'message', label, text: 'x' });
    const buttons = {
      type: 'template',
      altText: 'alt',
      template: { type: 'buttons', text: 'pick', actions: [1, 2, 3, 4, 5].map((n) => action(`a${n}`)) },
    };
    const carousel = {
      type: 'template',
      altText: 'alt',
      template: {
        type: 'carousel',
        columns: [
          { text: 'one', actions: [action('a'), action('b')] },
          { text: 'two', actions: [action('x'.repeat(21))] },
        ],
      },
    };
    const res = await post(app, PUSH, push([buttons, carousel]));
    expect(res.body.details).toEqual([
      { property: 'messages[0].template.actions', message: 'Size must be between 1 and 4' },
      {
        property: 'messages[1].template.columns[1].actions[0].label',
        message: 'Length must be between 0 and 20',
      },
      {
        property: 'messages[1].template.columns[1].actions',
        message: 'All columns must have the same number of actions',
      },
    ]);
  });

  it('refuses imagemaps LINE refuses: width other than 1040, over 50 actions, texts over their limits', async () => {
    const area = { x: 0, y: 0, width: 10, height: 10 };
    const imagemap = (over: Record<string, unknown> = {}, actions = 50, textLength = 400) => ({
      type: 'imagemap',
      baseUrl: 'https://cdn.example.com/map',
      altText: 'Map',
      baseSize: { width: 1040, height: 1040 },
      actions: Array.from({ length: actions }, () => ({
        type: 'message',
        label: 'l'.repeat(100),
        text: 'x'.repeat(textLength),
        area,
      })),
      ...over,
    });
    expect((await post(app, PUSH, push([imagemap()]))).status).toBe(200);
    const refused = await post(
      app,
      PUSH,
      push([imagemap({ baseSize: { width: 1024, height: 1024 } }, 51, 401)]),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('The request body has 53 error(s)');
    expect(refused.body.details?.slice(0, 3)).toEqual([
      { property: 'messages[0].baseSize.width', message: 'Must be one of the following values: [1040]' },
      { property: 'messages[0].actions', message: 'Size must be between 0 and 50' },
      { property: 'messages[0].actions[0].text', message: 'Length must be between 0 and 400' },
    ]);
    const video = {
      originalContentUrl: 'http://cdn.example.com/v.mp4',
      area: { x: -1, y: 0, width: 10, height: 10 },
      externalLink: { linkUri: 'https://example.com', label: 'x'.repeat(31) },
    };
    const labelled = imagemap({ video }, 1);
    (labelled.actions[0] as Record<string, unknown>)['label'] = 'l'.repeat(101);
    expect((await post(app, PUSH, push([labelled]))).body.details).toEqual([
      { property: 'messages[0].actions[0].label', message: 'Length must be between 0 and 100' },
      { property: 'messages[0].video.originalContentUrl', message: 'Only HTTPS URLs are allowed' },
      { property: 'messages[0].video.previewImageUrl', message: 'must be specified' },
      { property: 'messages[0].video.area.x', message: 'Must be 0 or higher' },
      { property: 'messages[0].video.externalLink.label', message: 'Length must be between 0 and 30' },
    ]);
  });

  it('refuses a Flex bubble over 30 KB and a carousel over 50 KB of JSON, and takes them at the limit', async () => {
    const bubble = (bytes: number) => {
      const shell = (t: string) => ({
        type: 'bubble',
        body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: t }] },
      });
      // A kanji is three UTF-8 bytes; ASCII makes up the rest, to the exact byte.
      const room = bytes - JSON.stringify(shell('')).length;
      return shell('漢'.repeat(Math.floor(room / 3)) + 'x'.repeat(room % 3));
    };
    const flex = (contents: unknown) => ({ type: 'flex', altText: 'big', contents });
    expect(Buffer.byteLength(JSON.stringify(bubble(30_000)))).toBe(30_000);
    expect((await post(app, PUSH, push([flex(bubble(30_000))]))).status).toBe(200);
    const over = await post(app, PUSH, push([flex(bubble(30_003))]));
    expect(over.body.details).toEqual([
      {
        property: 'messages[0].contents',
        message: 'The JSON data of a bubble must be at most 30000 bytes; this is 30003',
      },
    ]);
    const carousel = (a: number, b: number) => flex({ type: 'carousel', contents: [bubble(a), bubble(b)] });
    expect((await post(app, PUSH, push([carousel(24_980, 24_980)]))).status).toBe(200);
    const big = await post(app, PUSH, push([carousel(30_003, 24_993)]));
    expect(big.body.details?.map((d) => d.property)).toEqual([
      'messages[0].contents',
      'messages[0].contents.contents[0]',
    ]);
  });

  it('allows the location action in quick reply only', async () => {
    const quick = {
      ...text('where?'),
      quickReply: { items: [{ type: 'action', action: { type: 'location', label: 'Here' } }] },
    };
    expect((await post(app, PUSH, push([quick]))).status).toBe(200);
    const inTemplate = {
      type: 'template',
      altText: 'alt',
      template: { type: 'buttons', text: 'where?', actions: [{ type: 'location', label: 'Here' }] },
    };
    const res = await post(app, PUSH, push([inTemplate]));
    expect(res.body.details?.[0]?.property).toBe('messages[0].template.actions[0].type');
  });
});

describe('LINE emulator: retry keys and reply tokens', () => {
  it('refuses a retry key that is not a UUID', async () => {
    const res = await post(app, PUSH, push([text('hi')]), { 'x-line-retry-key': 'not-a-uuid' });
    expect(res.status).toBe(400);
  });

  it('answers a replay of an accepted key with 409 and the original sent messages', async () => {
    const { request } = lineConnector.render(
      { type: 'text', text: 'once' },
      { to: USER, retryKey: randomUUID() },
    );
    const first = await send(app, request);
    expect(first.status).toBe(200);
    const replay = await send(app, request);
    expect(replay.status).toBe(409);
    expect(replay.body).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: (first.body as { sentMessages: unknown }).sentMessages,
    });
    expect(replay.headers['x-line-accepted-request-id']).toBe(first.headers['x-line-request-id']);
    expect(lineConnector.classify(replay)).toEqual(lineConnector.classify(first));
  });

  it('does not remember a key whose request was refused', async () => {
    const key = randomUUID();
    expect((await post(app, PUSH, push([text('')]), { 'x-line-retry-key': key })).status).toBe(400);
    expect((await post(app, PUSH, push([text('ok')]), { 'x-line-retry-key': key })).status).toBe(200);
  });

  it('refuses a reply token it never issued', async () => {
    const res = await post(app, '/v2/bot/message/reply', { replyToken: 'abc', messages: [text('hi')] });
    expect(res).toEqual({ status: 400, body: { message: 'Invalid reply token' } });
  });

  it('shows the loading indicator for users only, in steps of 5 seconds', async () => {
    const path = '/v2/bot/chat/loading/start';
    expect((await post(app, path, { chatId: USER, loadingSeconds: 20 })).status).toBe(202);
    const group = await post(app, path, { chatId: `C${'0'.repeat(32)}`, loadingSeconds: 7 });
    expect(group.body.details?.map((d) => d.property)).toEqual(['chatId', 'loadingSeconds']);
  });
});
