/**
 * Every example of the Infobip LINE document (seed 004), sent verbatim to the façade: method, path,
 * headers (their Basic credentials included) and body bytes. Each is answered 200 in Infobip's
 * shape, and the LINE request that reaches the sandbox carries the example's content field by
 * field. The VIDEO example is not JSON (a trailing comma): it is refused in Infobip's shape, and a
 * copy without the comma is accepted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src/channels/registry.ts';
import { REPO_ROOT } from '../../../src/sandbox/specs.ts';
import type { RecordedRequest } from '../../../src/sandbox/types.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { lineUser } from '../../support/recipients.ts';
import {
  EXAMPLE_NAMES,
  type ExampleName,
  example,
  exampleText,
  type HttpExample,
  sendExample,
  setUpExampleWorld,
} from './examples.ts';

/** The seed document itself, beside the repository (absent from a bare clone). */
const SEED = resolve(REPO_ROOT, '../shared/seeds/004_3b59725b402af41d.txt');
const PERSON = lineUser(4);

// biome-ignore lint/suspicious/noExplicitAny: the examples are read as the untyped JSON they are.
type Json = any;

/** The LINE action object each Infobip template action means (LINE Messaging API reference). */
const lineAction = (a: Json) =>
  a.type === 'POSTBACK'
    ? { type: 'postback', label: a.label, data: a.data }
    : a.type === 'MESSAGE'
      ? { type: 'message', label: a.label, text: a.text }
      : { type: 'uri', label: a.label, uri: a.uri };

/** For each example, the LINE message object it must arrive as, read off the example's own fields. */
const LINE_MESSAGE: Record<Exclude<ExampleName, 'video'> | 'video-corrected', (m: Json) => unknown> = {
  text: (m) => ({ type: 'text', text: m.text }),
  image: (m) => ({ type: 'image', originalContentUrl: m.url, previewImageUrl: m.thumbnailUrl }),
  'video-corrected': (m) => ({ type: 'video', originalContentUrl: m.url, previewImageUrl: m.thumbnailUrl }),
  audio: (m) => ({ type: 'audio', originalContentUrl: m.url, duration: m.duration }),
  location: (m) => ({
    type: 'location',
    title: m.title,
    address: m.address,
    latitude: m.latitude,
    longitude: m.longitude,
  }),
  sticker: (m) => ({ type: 'sticker', packageId: m.packageId, stickerId: m.stickerId }),
  imagemap: (m) => ({
    type: 'imagemap',
    baseUrl: m.baseUrl,
    altText: m.altText,
    baseSize: { width: m.baseSize.width, height: m.baseSize.height },
    actions: m.actions.map((a: Json) =>
      a.type === 'URI'
        ? { type: 'uri', linkUri: a.linkUri, area: a.area }
        : { type: 'message', text: a.text, area: a.area },
    ),
  }),
  'template-buttons': (m) => ({
    type: 'template',
    altText: m.altText,
    template: {
      type: 'buttons',
      thumbnailImageUrl: m.template.thumbnailImageUrl,
      title: m.template.title,
      text: m.template.text,
      actions: m.template.actions.map(lineAction),
    },
  }),
  'template-confirm': (m) => ({
    type: 'template',
    altText: m.altText,
    template: { type: 'confirm', text: m.template.text, actions: m.template.actions.map(lineAction) },
  }),
  'template-carousel': (m) => ({
    type: 'template',
    altText: m.altText,
    template: {
      type: 'carousel',
      columns: m.template.columns.map((c: Json) => ({
        thumbnailImageUrl: c.thumbnailImageUrl,
        title: c.title,
        text: c.text,
        actions: c.actions.map(lineAction),
      })),
    },
  }),
};

/** The canonical kind a native send of the same content would use, where there is one. */
const CANONICAL_KIND: Partial<Record<keyof typeof LINE_MESSAGE, string>> = {
  text: 'text',
  image: 'media',
  'video-corrected': 'media',
  audio: 'media',
  location: 'location',
  sticker: 'sticker',
};

let gw: TestGateway;
let world: Awaited<ReturnType<typeof setUpExampleWorld>>;
beforeAll(async () => {
  gw = await startTestGateway();
  world = await setUpExampleWorld(gw, PERSON, CONNECTORS.line!.sandboxCredentials);
});
afterAll(async () => gw?.close());

/** Sends, expects Infobip's 200, waits for delivery, and returns what reached LINE. */
async function deliver(ex: HttpExample, body?: string): Promise<{ request: RecordedRequest; view: Json }> {
  const res = await sendExample(gw, ex, body !== undefined ? { body } : {});
  expect(res.statusCode, res.body).toBe(200);
  const answer = res.json();
  expect(answer).toEqual({
    messages: [
      {
        to: world.to,
        status: {
          groupId: 1,
          groupName: 'PENDING',
          id: 7,
          name: 'PENDING_ENROUTE',
          description: 'Message sent to next instance',
        },
        messageId: expect.stringMatching(/^msg_/),
      },
    ],
  });
  const view: Json = await gw.waitForStatus(answer.messages[0].messageId, ['sent']);
  const retryKey = view.providerRequest.headers['X-Line-Retry-Key'];
  const request = gw.requests('line', PERSON).find((r) => r.headers['x-line-retry-key'] === retryKey);
  if (request === undefined) throw new Error(`no LINE request with retry key ${retryKey}`);
  return { request, view };
}

describe('the seed examples', () => {
  it.skipIf(!existsSync(SEED))('are kept verbatim from the seed document', () => {
    const seed = readFileSync(SEED, 'utf8');
    const blocks = [...seed.matchAll(/\[block:code\]([\s\S]*?)\[\/block\]/g)].flatMap(
      (m) => JSON.parse(m[1]!).codes as Array<{ code: string }>,
    );
    expect(blocks.map((b) => b.code)).toEqual(EXAMPLE_NAMES.map(exampleText));
  });

  for (const name of EXAMPLE_NAMES.filter((n) => n !== 'video')) {
    it(`${name}: accepted as sent, and LINE receives the same content`, async () => {
      const ex = example(name);
      expect(`${ex.method} ${ex.url}`).toBe('POST /line/1/single');
      const { request, view } = await deliver(ex);
      const sent = JSON.parse(ex.body).message;
      expect(request.path).toBe('/v2/bot/message/push');
      expect(request.status).toBe(200);
      expect(request.body).toEqual({ to: PERSON, messages: [LINE_MESSAGE[name](sent)] });
      expect(view).toMatchObject({ channel: 'line', from: world.accountId, contactId: world.contactId });
      expect(view.message.type).toBe(CANONICAL_KIND[name] ?? 'raw');
      expect(view.degradations).toEqual([]);
    });
  }

  it('video: the verbatim example is not JSON and is refused in Infobip shape; without the comma it is sent', async () => {
    const ex = example('video');
    const before = gw.requests('line', PERSON).length;
    const refused = await sendExample(gw, ex);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      requestError: {
        serviceException: { messageId: 'BAD_REQUEST', text: expect.stringMatching(/not valid JSON/) },
      },
    });
    expect(gw.requests('line', PERSON)).toHaveLength(before);

    const corrected = ex.body.replace(
      '"https://example.com/preview.jpg",\n }',
      '"https://example.com/preview.jpg"\n }',
    );
    expect(corrected).not.toBe(ex.body);
    const { request } = await deliver(ex, corrected);
    expect(request.body).toEqual({
      to: PERSON,
      messages: [LINE_MESSAGE['video-corrected'](JSON.parse(corrected).message)],
    });
  });
});
