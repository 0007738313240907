/**
 * Instagram speaks Messenger's Send API; these tests pin down where it differs: text in bytes,
 * no call buttons, no receipt template, no aspect ratio or reusable attachments, HUMAN_AGENT only,
 * and "seen" receipts by message id instead of delivery and read watermarks.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { instagramConnector as c } from '../../../src/channels/instagram/index.ts';
import { type CanonicalMessage, MESSAGE_KINDS } from '../../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../../fixtures/messages.ts';
import { startServer } from '../../support/http-server.ts';
import { instagram, post } from '../messenger/helpers.ts';

const IGSID = '6281923771234567';
const TOKEN = c.sandboxCredentials['accessToken'];
let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await instagram.buildSandbox());
});
afterAll(async () => app.close());

const render = (message: CanonicalMessage, options?: Record<string, unknown>) =>
  c.render(message, { to: IGSID, retryKey: 'k', ...(options ? { options } : {}) });
const call = (body: unknown) => post(app, instagram.prefix, body, TOKEN);
type Body = { message: Record<string, unknown> };

describe('Instagram render and emulator', () => {
  for (const kind of MESSAGE_KINDS.filter((k) => k !== 'raw' && c.capabilities[k].support !== 'refused')) {
    it(`renders ${kind} so the Instagram emulator accepts it`, async () => {
      const message = SAMPLE_MESSAGES[kind];
      expect(c.check(message)).toEqual([]);
      const r = render(message);
      const res = await instagram.send(app, r.request);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(c.classify(res)).toMatchObject({ kind: 'sent' });
      if (c.capabilities[kind].support === 'degraded') expect(r.degradations.length).toBeGreaterThan(0);
    });
  }

  it('sends no messaging_type unless tagged, and only HUMAN_AGENT', async () => {
    expect(render({ type: 'text', text: 'hi' }).request.body).toEqual({
      recipient: { id: IGSID },
      message: { text: 'hi' },
    });
    const tagged = render({ type: 'text', text: 'hi' }, { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(tagged.request.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect((await instagram.send(app, tagged.request)).status).toBe(200);
    const other = await call({
      recipient: { id: IGSID },
      messaging_type: 'MESSAGE_TAG',
      tag: 'ACCOUNT_UPDATE',
      message: { text: 'x' },
    });
    expect(other.body.error).toMatchObject({
      code: 100,
      message: expect.stringContaining('must be one of {HUMAN_AGENT}'),
    });
  });

  it('counts text in UTF-8 bytes: 1000, not 2000 characters', async () => {
    const fits = 'é'.repeat(500);
    const over = `${fits}a`;
    expect(c.check({ type: 'text', text: fits })).toEqual([]);
    expect(c.check({ type: 'text', text: over })).toEqual([
      { pointer: '/message/text', rule: 'maxBytes', detail: expect.stringContaining('1000 UTF-8 bytes') },
    ]);
    expect((await call({ recipient: { id: IGSID }, message: { text: fits } })).status).toBe(200);
    expect((await call({ recipient: { id: IGSID }, message: { text: over } })).body.error?.message).toBe(
      '(#100) Length of param message[text] must be less than or equal to 1000 bytes',
    );
  });

  it('turns a call button into a text line, and the emulator refuses phone_number buttons', async () => {
    const r = render(SAMPLE_MESSAGES.buttons);
    const payload = ((r.request.body as Body).message['attachment'] as { payload: Record<string, unknown> })
      .payload;
    expect(payload['text']).toContain('Call us: +6621234567');
    expect(payload['buttons']).toHaveLength(2);
    expect(r.degradations.map((d) => d.rule)).toContain('instagram_no_call_button');
    const refused = await call({
      recipient: { id: IGSID },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'x',
            buttons: [{ type: 'phone_number', title: 'Call', payload: '+6621234567' }],
          },
        },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe(100);
  });

  it('degrades a receipt to text and drops the aspect ratio and is_reusable, all on record', async () => {
    const receipt = render(SAMPLE_MESSAGES.receipt);
    expect((receipt.request.body as Body).message['text']).toContain('Receipt A-1001');
    expect(receipt.degradations).toEqual([expect.objectContaining({ rule: 'instagram_no_receipt' })]);
    const carousel = render(SAMPLE_MESSAGES.carousel);
    expect(JSON.stringify(carousel.request.body)).not.toContain('image_aspect_ratio');
    expect(carousel.degradations.map((d) => d.rule)).toContain('instagram_no_image_aspect_ratio');
    expect((render(SAMPLE_MESSAGES.media).request.body as Body).message['attachment']).toEqual({
      type: 'image',
      payload: { url: 'https://cdn.example.com/pic.jpg' },
    });
    const reusable = await call({
      recipient: { id: IGSID },
      message: {
        attachment: { type: 'image', payload: { url: 'https://x.example/a.png', is_reusable: true } },
      },
    });
    expect(reusable.status).toBe(400);
    const receiptTemplate = await call({
      recipient: { id: IGSID },
      message: { attachment: { type: 'template', payload: { template_type: 'receipt' } } },
    });
    expect(receiptTemplate.body.error?.message).toMatch(/template_type/);
  });

  it('answers with an Instagram message id and posts a signed seen receipt naming it', async () => {
    const hook = await startServer((_req, res) => {
      res.writeHead(200).end('{}');
    });
    const { app: a } = await instagram.buildSandbox(hook.url);
    try {
      const sent = await post(
        a,
        instagram.prefix,
        { recipient: { id: IGSID }, message: { text: 'seen?' } },
        TOKEN,
      );
      const mid = sent.body.message_id ?? '';
      expect(mid).not.toMatch(/^m_/);
      expect(Buffer.from(mid, 'base64url').toString()).toMatch(/^ig_message_item:/);
      const until = Date.now() + 3000;
      while (hook.received.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 150));
      expect(hook.received).toHaveLength(1);
      const [seen] = hook.received;
      expect(seen?.headers['x-hub-signature-256']).toBe(
        signHubBody(seen?.body ?? '', c.sandboxCredentials['appSecret'] ?? ''),
      );
      const body = JSON.parse(seen?.body ?? '{}');
      expect(body.object).toBe('instagram');
      expect(c.parseInbound(body)).toEqual([
        expect.objectContaining({ kind: 'status', providerMessageId: mid, status: 'read' }),
      ]);
    } finally {
      await a.close();
      await hook.close();
    }
  });

  it('verifies its own app secret and classifies with instagram codes', () => {
    const raw = '{"object":"instagram","entry":[]}';
    const creds = c.sandboxCredentials;
    expect(
      c.verifyInbound(
        {
          rawBody: Buffer.from(raw),
          headers: { 'x-hub-signature-256': signHubBody(raw, creds['appSecret'] ?? '') },
        },
        creds,
      ),
    ).toBe(true);
    expect(
      c.verifyInbound(
        {
          rawBody: Buffer.from(raw),
          headers: { 'x-hub-signature-256': signHubBody(raw, 'sandbox-messenger-app-secret') },
        },
        creds,
      ),
    ).toBe(false);
    expect(
      c.classify({
        status: 400,
        headers: {},
        body: { error: { code: 10, error_subcode: 2018278, message: 'outside window' } },
      }),
    ).toMatchObject({ kind: 'permanent', code: 'instagram_10_2018278' });
    expect(
      c.handshake?.(
        { 'hub.mode': 'subscribe', 'hub.verify_token': creds['verifyToken'] ?? '', 'hub.challenge': '42' },
        creds,
      ),
    ).toBe('42');
  });
});

describe('Instagram check', () => {
  it('measures a card subtitle with the call lines Instagram adds, and wants numeric attachment ids', () => {
    const call = { type: 'call' as const, title: 'Call us', phoneNumber: '+6621234567' };
    expect(
      c.check({ type: 'carousel', cards: [{ title: 'T', text: 's'.repeat(60), actions: [call] }] }),
    ).toEqual([expect.objectContaining({ pointer: '/message/cards/0/text', rule: 'maxLength' })]);
    expect(
      c.check({ type: 'carousel', cards: [{ title: 'T', text: 's'.repeat(40), actions: [call] }] }),
    ).toEqual([]);
    expect(c.check({ type: 'media', mediaType: 'image', mediaId: 'abc' })).toEqual([
      expect.objectContaining({ pointer: '/message/mediaId', rule: 'pattern' }),
    ]);
  });
});
