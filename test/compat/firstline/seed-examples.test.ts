/**
 * Every JSON example of FIRST LINE's PUSH API document (seed 001; the English seed 000 has the
 * field tables only) sent verbatim to the façade: accepted with `200 {}`, and the request that
 * reaches the LINE and Messenger emulators carries the example's content, field by field. The
 * document's carousel example is not valid JSON: it is refused in FIRST LINE's error shape, and a
 * corrected copy is accepted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { LINE_USER } from '../../support/recipients.ts';
import { delivered, example, FIXTURES, push, pushAccepted, withContact } from './client.ts';

const SEED = new URL('../../../../shared/seeds/001_ad2b9255870f6ddc.txt', import.meta.url);
const PSID = '1254477777772919';

const INVALID_CAROUSEL = example('carousel.invalid.txt');
/** The two mistakes of the document's carousel: a comma after the last column, `message` left open. */
const CORRECTED_CAROUSEL = INVALID_CAROUSEL.replace(/\},\n(\s*)\]\n\}\n$/, '}\n$1]\n  }\n}\n');

const EXAMPLES: Record<string, string> = {
  text: example('text.txt'),
  button: example('button.txt'),
  quickreply: example('quickreply.txt'),
  carousel: CORRECTED_CAROUSEL,
  image_carousel: example('image_carousel.txt'),
};

// biome-ignore lint/suspicious/noExplicitAny: examples and provider bodies are read freely.
type Json = any;

describe.skipIf(!existsSync(SEED))('the fixtures', () => {
  it('are the seed document’s JSON examples, byte for byte, and all of them', () => {
    const seed = readFileSync(SEED, 'utf8');
    const blocks = [...seed.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
    expect(fixtures).toHaveLength(blocks.length);
    for (const file of fixtures) expect(blocks).toContain(example(file));
  });
});

describe('the corrected carousel', () => {
  it('differs from the document’s only by the comma and the brace', () => {
    expect(() => JSON.parse(INVALID_CAROUSEL)).toThrow();
    expect(CORRECTED_CAROUSEL).not.toBe(INVALID_CAROUSEL);
    expect(CORRECTED_CAROUSEL.replace(/\s/g, '')).toBe(
      `${INVALID_CAROUSEL.replace(/\s/g, '').replace(/,\]\}$/, ']}')}}`,
    );
    expect(JSON.parse(CORRECTED_CAROUSEL).message.columns).toHaveLength(1);
  });
});

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

/** The LINE action an option or carousel action becomes, from its own fields. */
function lineAction(option: Json, label: string): Json {
  switch (option.type) {
    case 'url':
      return { type: 'uri', label, uri: option.url };
    case 'phonenumber':
      return { type: 'uri', label, uri: `tel:${option.number}` };
    default:
      return { type: 'message', label, text: option.value || label };
  }
}

/** The Messenger button an option or carousel action becomes (a sent message rides as a postback). */
function messengerButton(option: Json, title: string): Json {
  switch (option.type) {
    case 'url':
      return { type: 'web_url', title, url: option.url };
    case 'phonenumber':
      return { type: 'phone_number', title, payload: option.number };
    default:
      return { type: 'postback', title, payload: option.value || title };
  }
}

const actionTitle = (a: Json) => a.label ?? a.text;

function expectLine(ex: Json, body: Json): void {
  expect(body.to).toBe(LINE_USER);
  expect(body.messages).toHaveLength(1);
  const [m] = body.messages;
  const msg = ex.message;
  switch (ex.type) {
    case 'text':
      expect(m).toEqual({ type: 'text', text: msg });
      return;
    case 'button':
      expect(m.type).toBe('template');
      expect(m.template.type).toBe('buttons');
      expect(m.template.text).toBe(msg.explain_text);
      expect(m.template.actions).toEqual(msg.options.map((o: Json) => lineAction(o, o.label)));
      return;
    case 'quickreply':
      expect(m.type).toBe('text');
      expect(m.text).toBe(msg.explain_text);
      expect(m.quickReply.items).toEqual(
        msg.options.map((o: Json) => ({ type: 'action', action: lineAction(o, o.label) })),
      );
      return;
    case 'carousel': {
      expect(m.type).toBe('flex');
      expect(m.altText).toBe(msg.alt_text);
      const bubbles = m.contents.contents;
      expect(bubbles).toHaveLength(msg.columns.length);
      msg.columns.forEach((column: Json, i: number) => {
        const bubble = bubbles[i];
        expect(bubble.hero.url).toBe(column.image_url);
        expect(bubble.body.contents.map((t: Json) => t.text)).toEqual([column.title, column.text]);
        expect(bubble.footer.contents.map((b: Json) => b.action)).toEqual(
          column.actions.map((a: Json) => lineAction(a, actionTitle(a))),
        );
      });
      return;
    }
    case 'image_carousel': {
      expect(m.type).toBe('flex');
      expect(m.altText).toBe(msg.alt_text);
      const bubbles = m.contents.contents;
      expect(bubbles).toHaveLength(msg.columns.length);
      msg.columns.forEach((column: Json, i: number) => {
        const [image, badge, button] = bubbles[i].body.contents;
        expect(image).toMatchObject({ type: 'image', url: column.image_url });
        for (const [box, given] of [
          [badge, column.badge],
          [button, column.button],
        ]) {
          expect(box.contents[0].text).toBe(given.text);
          expect(box.backgroundColor).toBe(given.background_color);
          expect(box.borderColor).toBe(given.border_color);
          expect(box.contents[0].color).toBe(given.color);
        }
        // The example's action is all nulls: nothing happens on a tap.
        expect(column.action.type).toBeNull();
        expect(bubbles[i].action).toBeUndefined();
        expect(button.action).toBeUndefined();
      });
    }
  }
}

function expectMessenger(ex: Json, body: Json, degradations: Json[]): void {
  expect(body.recipient).toEqual({ id: PSID });
  const msg = ex.message;
  const payload = body.message.attachment?.payload;
  switch (ex.type) {
    case 'text':
      expect(body.message).toEqual({ text: msg });
      return;
    case 'button':
      expect(payload.template_type).toBe('button');
      expect(payload.text).toBe(msg.explain_text);
      expect(payload.buttons).toEqual(msg.options.map((o: Json) => messengerButton(o, o.label)));
      return;
    case 'quickreply': {
      // Messenger has no link quick reply: the link goes in the text, and that is recorded.
      const text: string = body.message.text;
      expect(text.startsWith(msg.explain_text)).toBe(true);
      const replies = msg.options.filter((o: Json) => o.type === 'text');
      expect(body.message.quick_replies).toEqual(
        replies.map((o: Json) => ({ content_type: 'text', title: o.label, payload: o.value })),
      );
      msg.options.forEach((o: Json, i: number) => {
        if (o.type !== 'url') return;
        expect(text).toContain(`${o.label}: ${o.url}`);
        expect(degradations).toContainEqual(
          expect.objectContaining({ pointer: `/message/replies/${i}`, rule: 'messenger_no_url_quick_reply' }),
        );
      });
      return;
    }
    case 'carousel':
      expect(payload.template_type).toBe('generic');
      expect(payload.elements).toEqual(
        msg.columns.map((c: Json) => ({
          title: c.title,
          subtitle: c.text,
          image_url: c.image_url,
          buttons: c.actions.map((a: Json) => messengerButton(a, actionTitle(a))),
        })),
      );
      return;
    case 'image_carousel':
      expect(payload.template_type).toBe('generic');
      expect(payload.image_aspect_ratio).toBe('square');
      // Messenger cards have no badge: its words are the subtitle, its colours lost on record.
      expect(payload.elements).toEqual(
        msg.columns.map((c: Json) => ({
          title: c.button.text,
          subtitle: c.badge.text,
          image_url: c.image_url,
        })),
      );
      msg.columns.forEach((_c: Json, i: number) => {
        expect(degradations).toContainEqual({
          pointer: `/message/cards/${i}/badge`,
          from: 'badge',
          to: "first line of the card's subtitle (without its colour)",
          rule: 'messenger_no_badge',
        });
      });
  }
}

describe('FIRST LINE seed examples, verbatim', () => {
  it.each(Object.keys(EXAMPLES))(
    '%s to a LINE contact: 200 {}, and LINE gets the same content',
    async (type) => {
      const text = EXAMPLES[type] as string;
      const id = await pushAccepted(gw, 'line', withContact(text, 'App\\LineContact', LINE_USER));
      const { message, body } = await delivered(gw, id);
      expect(message).toMatchObject({ channel: 'line', to: LINE_USER });
      expectLine(JSON.parse(text), body);
    },
  );

  it.each(Object.keys(EXAMPLES))(
    '%s to a Messenger contact: 200 {}, and Messenger gets the same content',
    async (type) => {
      const text = EXAMPLES[type] as string;
      const id = await pushAccepted(gw, 'messenger', withContact(text, 'App\\FbContact', PSID));
      const { message, body } = await delivered(gw, id);
      expect(message).toMatchObject({ channel: 'messenger', to: PSID });
      expectMessenger(JSON.parse(text), body, message.degradations);
    },
  );

  it.each([
    ['App\\LineContact', LINE_USER],
    ['App\\FbContact', PSID],
  ])(
    'the document’s own carousel (not JSON) to %s: 422 in FIRST LINE’s shape, nothing sent',
    async (type, to) => {
      const before = (await gw.api('GET', '/v1/messages?limit=200')).json.data.length;
      const res = await push(gw, withContact(INVALID_CAROUSEL, type, to));
      expect(res.status).toBe(422);
      expect(res.raw.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json).toEqual({
        message: 'The request body is not valid JSON.',
        errors: { body: ['The request body is not valid JSON.'] },
      });
      expect((await gw.api('GET', '/v1/messages?limit=200')).json.data.length).toBe(before);
    },
  );
});
