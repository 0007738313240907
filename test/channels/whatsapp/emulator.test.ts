/**
 * The emulator refuses what WhatsApp refuses, in the Graph error envelope with WhatsApp's codes,
 * answers the sandbox's sentinel recipients and templates, and posts signed receipts.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { json, startServer } from '../../support/http-server.ts';
import { buildSandbox, CREDS, envelope, MESSAGES_PATH, PREFIX, post, USER } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const text = (body: string, to = USER) => envelope('text', { body }, to);
const buttons = (n: number, title = (i: number) => `B${i}`) =>
  envelope('interactive', {
    type: 'button',
    body: { text: 'Pick' },
    action: {
      buttons: Array.from({ length: n }, (_, i) => ({
        type: 'reply',
        reply: { id: `id${i}`, title: title(i) },
      })),
    },
  });
const details = (res: { body: { error: { error_data?: { details: string } } } }) =>
  res.body.error.error_data?.details ?? '';

describe('WhatsApp emulator: authentication and addressing', () => {
  it('answers a wrong token with 401 code 190 and a missing one with 400', async () => {
    const wrong = await post(app, text('hi'), { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      code: 190,
      type: 'OAuthException',
      fbtrace_id: expect.any(String),
    });
    const missing = await app.inject({
      method: 'POST',
      url: PREFIX + MESSAGES_PATH,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(text('hi')),
    });
    expect(missing.statusCode).toBe(400);
    expect(recorder.entries.at(-1)?.headers['authorization']).toBeUndefined();
  });

  it('refuses a phone number id that is not the sandbox number (100 / subcode 33)', async () => {
    const res = await post(app, text('hi'), { path: '/v23.0/999/messages' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });

  it('refuses a recipient that is not a phone number in international format', async () => {
    const res = await post(app, text('hi', 'not-a-number'));
    expect(res.status).toBe(400);
    expect(details(res)).toMatch(/Param to must be a phone number/);
  });

  it('answers malformed JSON with code 100', async () => {
    const res = await post(app, '{"to":');
    expect(res.body.error).toMatchObject({ code: 100, message: '(#100) Invalid parameter' });
  });

  it('records answers with the token redacted', async () => {
    await post(app, text('recorded'));
    const last = recorder.entries.at(-1);
    expect(last).toMatchObject({ path: MESSAGES_PATH, status: 200, body: { to: USER } });
    expect(last?.headers['authorization']).toBe('Bearer [redacted]');
  });
});

describe("WhatsApp emulator: Meta's schema, strictly", () => {
  it('refuses an undeclared property', async () => {
    const res = await post(app, { ...text('hi'), text: { body: 'hi', previewUrl: true } });
    expect(res.status).toBe(400);
    expect(details(res)).toContain("Param text['previewUrl'] is not a valid parameter.");
  });

  it('refuses an unknown message type', async () => {
    const res = await post(app, envelope('carousel', {}));
    expect(details(res)).toMatch(/^Param type must be one of \{/);
  });

  it('refuses a media object with both id and link, or neither', async () => {
    const both = await post(app, envelope('image', { id: '1', link: 'https://x.example/a.jpg' }));
    expect(both.status).toBe(400);
    const neither = await post(app, envelope('image', { caption: 'c' }));
    expect(neither.status).toBe(400);
  });

  it('refuses more than three reply buttons and titles over 20 characters', async () => {
    expect(details(await post(app, buttons(4)))).toContain(
      "Param interactive['action']['buttons'] must have at most 3 elements.",
    );
    expect(
      details(
        await post(
          app,
          buttons(2, () => 'x'.repeat(21)),
        ),
      ),
    ).toContain(
      "Param interactive['action']['buttons'][0]['reply']['title'] must be at most 20 characters long.",
    );
    expect((await post(app, buttons(3))).status).toBe(200);
  });

  it('refuses duplicate reply titles', async () => {
    expect(
      details(
        await post(
          app,
          buttons(2, () => 'Same'),
        ),
      ),
    ).toMatch(/reply titles must be unique/);
  });

  it('accepts template button index 0, which the published pattern would refuse', async () => {
    const res = await post(
      app,
      envelope('template', {
        name: 'coupon_offer',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: '10%' }] },
          {
            type: 'button',
            sub_type: 'copy_code',
            index: '0',
            parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
          },
        ],
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('WhatsApp emulator: prose limits', () => {
  it('text at 4096 characters passes, 4097 does not (code points, not UTF-16 units)', async () => {
    expect((await post(app, text('😀'.repeat(4096)))).status).toBe(200);
    expect(details(await post(app, text('a'.repeat(4097))))).toBe(
      "Param text['body'] must be at most 4096 characters long.",
    );
  });

  it('refuses a caption over 1024 and a caption on audio', async () => {
    expect(
      (await post(app, envelope('image', { link: 'https://x.example/a.jpg', caption: 'c'.repeat(1025) })))
        .status,
    ).toBe(400);
    expect(
      details(await post(app, envelope('audio', { link: 'https://x.example/a.ogg', caption: 'c' }))),
    ).toMatch(/audio\['caption'\]/);
  });

  it('refuses a list over 10 rows in total, and several sections without titles', async () => {
    const rows = (n: number, p: string) =>
      Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, title: `Row ${i}` }));
    const list = (sections: unknown[]) =>
      envelope('interactive', { type: 'list', body: { text: 'Menu' }, action: { button: 'Open', sections } });
    expect(
      details(
        await post(
          app,
          list([
            { title: 'A', rows: rows(6, 'a') },
            { title: 'B', rows: rows(5, 'b') },
          ]),
        ),
      ),
    ).toMatch(/at most 10 rows in total/);
    expect(details(await post(app, list([{ rows: rows(1, 'a') }, { rows: rows(1, 'b') }])))).toMatch(
      /\['title'\] is required/,
    );
  });

  it('refuses an interactive action that does not fit its type', async () => {
    const res = await post(
      app,
      envelope('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] },
      }),
    );
    expect(res.status).toBe(400);
  });

  it('refuses a carousel of one card, or cards with different buttons', async () => {
    const card = (i: number, action: unknown, type = 'cta_url') => ({
      card_index: i,
      type,
      header: { type: 'image', image: { link: `https://x.example/${i}.jpg` } },
      action,
    });
    const cta = { name: 'cta_url', parameters: { display_text: 'Buy', url: 'https://x.example' } };
    const qr = { buttons: [{ type: 'quick_reply', quick_reply: { id: 'a', title: 'A' } }] };
    const carousel = (cards: unknown[]) =>
      envelope('interactive', { type: 'carousel', body: { text: 'Deals' }, action: { cards } });
    expect(details(await post(app, carousel([card(0, cta)])))).toMatch(/at least 2 elements/);
    expect(details(await post(app, carousel([card(0, cta), card(1, qr, 'button')])))).toMatch(
      /same button type and count/,
    );
    expect((await post(app, carousel([card(0, cta), card(1, cta)]))).status).toBe(200);
  });
});

describe('WhatsApp emulator: templates', () => {
  const template = (name: string, components: unknown[] = [], code = 'en_US') =>
    envelope('template', { name, language: { policy: 'deterministic', code }, components });

  it('refuses a template that is not approved (132001) or not in that language', async () => {
    const res = await post(app, template('no_such_template'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe(132001);
    expect((await post(app, template('hello_world', [], 'fr'))).body.error.code).toBe(132001);
  });

  it('refuses a parameter count that does not match (132000)', async () => {
    const res = await post(app, template('coupon_offer', [{ type: 'body', parameters: [] }]));
    expect(res.body.error.code).toBe(132000);
  });
});

describe('WhatsApp emulator: sentinel recipients', () => {
  it('999130429… is throttled on every other call, so a retry succeeds', async () => {
    const to = '999130429000001';
    const first = await post(app, text('hi', to));
    expect(first.body.error).toMatchObject({ code: 130429 });
    expect((await post(app, text('hi', to))).status).toBe(200);
  });

  it('999131000… fails with HTTP 500 on every other call', async () => {
    const to = '999131000000001';
    expect((await post(app, text('hi', to))).status).toBe(500);
    expect((await post(app, text('hi', to))).status).toBe(200);
  });

  it('999133010… is refused at once: not a WhatsApp account', async () => {
    expect((await post(app, text('hi', '999133010000001'))).body.error.code).toBe(133010);
  });
});

describe('WhatsApp emulator: receipts and simulated people', () => {
  it('posts sent, delivered and read receipts signed with the app secret', async () => {
    const receiver = await startServer((_req, res) => json(res, 200, {}));
    const sandbox = await buildSandbox(`${receiver.url}/webhooks/whatsapp/acc`);
    try {
      const res = await sandbox.app.inject({
        method: 'POST',
        url: PREFIX + MESSAGES_PATH,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CREDS['accessToken']}` },
        payload: JSON.stringify(text('hi')),
      });
      const id = res.json().messages[0].id as string;
      await waitFor(() => receiver.received.length >= 3);
      const statuses = receiver.received.map((r) => {
        expect(r.headers['x-hub-signature-256']).toBe(signHubBody(r.body, CREDS['appSecret'] ?? ''));
        const body = JSON.parse(r.body);
        expect(body.object).toBe('whatsapp_business_account');
        return body.entry[0].changes[0].value.statuses[0];
      });
      expect(statuses.map((s: { status: string }) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
      expect(
        statuses.every((s: { id: string; recipient_id: string }) => s.id === id && s.recipient_id === USER),
      ).toBe(true);
    } finally {
      await sandbox.app.close();
      await receiver.close();
    }
  });

  it('a 131047 sentinel is accepted, then fails by receipt with the error', async () => {
    const receiver = await startServer((_req, res) => json(res, 200, {}));
    const sandbox = await buildSandbox(receiver.url);
    try {
      await sandbox.app.inject({
        method: 'POST',
        url: PREFIX + MESSAGES_PATH,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CREDS['accessToken']}` },
        payload: JSON.stringify(text('hi', '999131047000001')),
      });
      await waitFor(() => receiver.received.length >= 2);
      const failed = receiver.received
        .map((r) => JSON.parse(r.body).entry[0].changes[0].value.statuses[0])
        .find((s: { status: string }) => s.status === 'failed');
      expect(failed.errors[0]).toMatchObject({ code: 131047, title: 'Re-engagement message' });
    } finally {
      await sandbox.app.close();
      await receiver.close();
    }
  });

  it('plays a person: text and reply-button taps, signed', async () => {
    const receiver = await startServer((_req, res) => json(res, 200, { ok: true }));
    const sandbox = await buildSandbox(receiver.url);
    try {
      const res = await sandbox.app.inject({
        method: 'POST',
        url: `${PREFIX}/_simulate/message`,
        payload: { from: USER, buttonReply: 'OPT_1', title: 'One' },
      });
      expect(res.statusCode).toBe(200);
      const sent = JSON.parse(receiver.received[0]?.body ?? '{}');
      expect(sent.entry[0].changes[0].value.messages[0]).toMatchObject({
        from: USER,
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'OPT_1', title: 'One' } },
      });
      const bad = await sandbox.app.inject({
        method: 'POST',
        url: `${PREFIX}/_simulate/message`,
        payload: { from: '+1 650', text: 'x' },
      });
      expect(bad.statusCode).toBe(400);
    } finally {
      await sandbox.app.close();
      await receiver.close();
    }
  });
});

async function waitFor(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
