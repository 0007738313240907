/**
 * LINE fidelity through the public API: what LINE refuses about imagemaps and Flex size is refused
 * at accept with 422 and nothing stored or sent, and the LINE emulator refuses the same requests
 * when they are sent to it directly; a list too big for one Flex bubble is split (or sent as
 * numbered text), recorded on the message, and reaches the emulator as a request it accepts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineConnector } from '../../src/channels/line/index.ts';
import { flexJsonBytes } from '../../src/channels/line/limits.ts';
import type { CanonicalMessage, MessageOf } from '../../src/core/vocabulary/message.ts';
import { bigReceipt, longList } from '../channels/line/helpers.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { lineUser } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const imagemap = (change: (m: MessageOf<'imagemap'>) => void): CanonicalMessage => {
  const m = structuredClone(SAMPLE_MESSAGES.imagemap) as MessageOf<'imagemap'>;
  change(m);
  return m;
};
const area = SAMPLE_MESSAGES.imagemap.type === 'imagemap' ? SAMPLE_MESSAGES.imagemap.areas[1] : undefined;
const flexBubble = (bytes: number) => {
  const shell = (t: string) => ({
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: t }] },
  });
  return shell('x'.repeat(bytes - JSON.stringify(shell('')).length));
};

/** Each case: a message LINE refuses, and what the 422 must name. */
const REFUSED: Array<{
  name: string;
  message: CanonicalMessage;
  pointer: string;
  rule: string;
  limit: string;
}> = [
  {
    name: 'an imagemap with 51 areas',
    message: imagemap((m) => {
      m.areas = Array.from({ length: 51 }, () => structuredClone(area) as (typeof m.areas)[number]);
    }),
    pointer: '/message/areas',
    rule: 'maxItems',
    limit: '50',
  },
  {
    name: 'an imagemap action text of 401 characters',
    message: imagemap((m) => {
      m.areas[1] = { ...m.areas[1]!, action: { type: 'message', title: 'Order', text: 'x'.repeat(401) } };
    }),
    pointer: '/message/areas/1/action/text',
    rule: 'maxLength',
    limit: '400',
  },
  {
    name: 'an imagemap 1024 pixels wide',
    message: imagemap((m) => {
      m.width = 1024;
    }),
    pointer: '/message/width',
    rule: 'line_imagemap_width',
    limit: '1040',
  },
  {
    name: 'an imagemap action label of 101 characters',
    message: imagemap((m) => {
      m.areas[0] = {
        ...m.areas[0]!,
        action: { type: 'url', title: 't'.repeat(101), url: 'https://example.com' },
      };
    }),
    pointer: '/message/areas/0/action/title',
    rule: 'maxLength',
    limit: '100',
  },
  {
    name: 'a raw Flex bubble over 30 KB',
    message: { type: 'raw', payload: { type: 'flex', altText: 'big', contents: flexBubble(30_001) } },
    pointer: '/message/payload/contents',
    rule: 'maxBytes',
    limit: '30000',
  },
  {
    name: 'a raw Flex carousel over 50 KB',
    message: {
      type: 'raw',
      payload: {
        type: 'flex',
        altText: 'big',
        contents: { type: 'carousel', contents: [flexBubble(26_000), flexBubble(26_000)] },
      },
    },
    pointer: '/message/payload/contents',
    rule: 'maxBytes',
    limit: '50000',
  },
  {
    name: 'a raw imagemap with 51 actions',
    message: {
      type: 'raw',
      payload: {
        type: 'imagemap',
        baseUrl: 'https://cdn.example.com/map',
        altText: 'Map',
        baseSize: { width: 1040, height: 1040 },
        actions: Array.from({ length: 51 }, () => ({
          type: 'uri',
          linkUri: 'https://example.com',
          area: { x: 0, y: 0, width: 1, height: 1 },
        })),
      },
    },
    pointer: '/message/payload/actions',
    rule: 'maxItems',
    limit: '50',
  },
];

/** Refusals that have no single LINE request: the render cannot fit LINE in any form. */
const UNFIT: typeof REFUSED = [
  {
    name: 'a list that fits neither five Flex bubbles nor five texts',
    message: longList(200, 1000),
    pointer: '/message/sections',
    rule: 'line_message_count',
    limit: '5 messages',
  },
  {
    name: 'a coloured carousel card over 30 KB',
    message: {
      type: 'carousel',
      cards: [{ title: 'Big', text: '漢'.repeat(10_000), badge: { text: 'new' } }],
    },
    pointer: '/message/cards/0',
    rule: 'maxBytes',
    limit: '30000',
  },
];

async function newestId(): Promise<string | undefined> {
  return (await gw.api('GET', '/v1/messages?limit=1')).json.data[0]?.id;
}

describe('LINE: refused at accept, as LINE would refuse it', () => {
  it.each([...REFUSED, ...UNFIT].map((c, i) => [c.name, c, i] as const))(
    '%s: 422 GW_CAPABILITY naming the field and the limit, nothing stored or sent',
    async (_name, c, i) => {
      const to = lineUser((i % 8) + 1);
      const before = await newestId();
      const sentBefore = gw.requests('line', to).length;
      const res = await gw.send('line', to, c.message);
      expect(res.status, JSON.stringify(res.json)).toBe(422);
      expect(res.json.code).toBe('GW_CAPABILITY');
      expect(res.json.errors).toEqual([
        expect.objectContaining({
          pointer: c.pointer,
          rule: c.rule,
          detail: expect.stringContaining(c.limit),
        }),
      ]);
      expect(await newestId()).toBe(before);
      expect(gw.requests('line', to)).toHaveLength(sentBefore);
    },
  );

  it.each(REFUSED.map((c) => [c.name, c] as const))(
    '%s: the emulator refuses the same request sent to it directly, in LINE words',
    async (_name, c) => {
      const { request } = lineConnector.render(c.message, { to: lineUser(9), retryKey: randomUUID() });
      const res = await gw.app.inject({
        method: 'POST',
        url: `/sandbox/line${request.path}`,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${lineConnector.sandboxCredentials['channelAccessToken']}`,
          ...request.headers,
        },
        payload: JSON.stringify(request.body),
      });
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json() as { message: string; details: Array<{ property: string; message: string }> };
      expect(body.message).toMatch(/^The request body has \d+ error\(s\)$/);
      expect(body.details.length).toBeGreaterThan(0);
      for (const d of body.details) {
        expect(d).toEqual({
          property: expect.stringMatching(/^messages\[0\]\./),
          message: expect.any(String),
        });
      }
    },
  );
});

describe('LINE: too big for one Flex bubble, split or degraded and recorded', () => {
  it('splits a long list over several Flex messages in one push, recorded on the message', async () => {
    const to = lineUser(3);
    const id = await gw.sendAccepted('line', to, longList(60, 400));
    const done = await gw.waitForStatus(id, ['sent', 'failed']);
    expect(done.status, JSON.stringify(done.events)).toBe('sent');
    expect(done.degradations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/message/sections', rule: 'line_flex_size' }),
        expect.objectContaining({ pointer: '/message/buttonText', to: expect.stringContaining('heading') }),
      ]),
    );
    const messages = (done.providerRequest as { body: { messages: Array<{ contents: unknown }> } }).body
      .messages;
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(flexJsonBytes(m.contents)).toBeLessThanOrEqual(30_000);
    const received = gw.requests('line', to);
    expect(received.map((r) => r.status)).toEqual([200]);
    expect(received[0]?.body).toMatchObject({ to, messages: { length: messages.length } });
  });

  it('sends a list too long for five bubbles as numbered text; a typed number is the row postback', async () => {
    const to = lineUser(4);
    const id = await gw.sendAccepted('line', to, longList(1000, 0));
    const done = await gw.waitForStatus(id, ['sent', 'failed']);
    expect(done.status, JSON.stringify(done.events)).toBe('sent');
    expect((done.degradations as unknown[])[0]).toMatchObject({
      pointer: '/message',
      rule: 'line_flex_size',
    });
    expect(gw.requests('line', to)[0]?.status).toBe(200);
    await gw.simulateOk('line', { from: to, text: '1000' });
    const events = await gw.inbound('postback');
    expect(events.some((e) => e.event.payload === 'row-999' && e.event.from === to)).toBe(true);
  });

  it('spreads a big receipt over several bubbles, totals in the last', async () => {
    const to = lineUser(5);
    const id = await gw.sendAccepted('line', to, bigReceipt(40));
    const done = await gw.waitForStatus(id, ['sent', 'failed']);
    expect(done.status, JSON.stringify(done.events)).toBe('sent');
    expect(done.degradations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/message/elements', rule: 'line_flex_size' }),
      ]),
    );
    expect(gw.requests('line', to)[0]?.status).toBe(200);
  });
});
