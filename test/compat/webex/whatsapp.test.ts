/**
 * deliverychannel whatsapp: the `channels.OTT-Messaging.wa` block (WhatsApp's own message object,
 * as Webex Connect's WhatsApp pages give it; seed 003 only names it) reaches the WhatsApp sandbox
 * with the same content, field by field, whether it went canonically or as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { APP, providerRequest, queued, refused, useApps, webex } from './helpers.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  await useApps(gw);
});
afterAll(async () => gw.close());

type Json = Record<string, unknown>;
let next = 0;
/** A WhatsApp number of the suite's own per test. */
const waid = () => `1650555${String(8000 + next++).padStart(4, '0')}`;

async function sendWa(
  wa: Json,
  destination: Json = { waid: [] },
): Promise<{ to: string; body: Json; transid: string }> {
  const to = waid();
  const kind = Object.keys(destination)[0] ?? 'waid';
  const [entry] = queued(
    await webex(gw, {
      deliverychannel: 'whatsapp',
      appid: APP.whatsapp,
      channels: { 'OTT-Messaging': { wa } },
      destination: [{ [kind]: [kind === 'msisdn' ? `+${to}` : to] }],
    }),
  );
  const sent = await providerRequest(gw, 'whatsapp', to);
  expect(sent.status, JSON.stringify(sent.response)).toBe(200);
  return { to, body: sent.body as Json, transid: entry!.transid! };
}

describe('deliverychannel whatsapp', () => {
  it("the text example of Webex's WhatsApp page: body and preview_url", async () => {
    const { to, body } = await sendWa({
      type: 'text',
      preview_url: 'true',
      text: { body: 'See https://example.com' },
    });
    expect(body).toMatchObject({
      messaging_product: 'whatsapp',
      to,
      type: 'text',
      text: { body: 'See https://example.com', preview_url: true },
    });
  });

  it('an msisdn is the WhatsApp number, its + dropped', async () => {
    const { to, body } = await sendWa({ type: 'text', text: { body: 'by msisdn' } }, { msisdn: [] });
    expect(body['to']).toBe(to);
  });

  it('image with caption, document with file name, location', async () => {
    const image = { link: 'https://cdn.example.com/box.png', caption: 'Your parcel' };
    expect((await sendWa({ type: 'image', image })).body['image']).toEqual(image);
    const document = {
      link: 'https://cdn.example.com/invoice.pdf',
      caption: 'Invoice',
      filename: 'invoice.pdf',
    };
    expect((await sendWa({ type: 'document', document })).body['document']).toEqual(document);
    const location = { latitude: '37.4847', longitude: '-122.1477', name: 'HQ', address: '1 Hacker Way' };
    expect((await sendWa({ type: 'location', location })).body['location']).toEqual(location);
  });

  it('a template with header, body and button parameters (namespace is the on-premises API’s)', async () => {
    const template = {
      name: 'shipping_update',
      language: { policy: 'deterministic', code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/box.png' } }],
        },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ann' },
            { type: 'text', text: '4711' },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'TRACK' }],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: '4711' }] },
      ],
    };
    const { body, transid } = await sendWa({
      type: 'template',
      template: { namespace: 'a1b2_c3', ...template },
    });
    expect(body['template']).toEqual(template);
    expect((await gw.api('GET', `/v1/messages/${transid}`)).json.message.type).toBe('template');
  });

  it('interactive reply buttons and lists', async () => {
    const buttons = {
      type: 'button',
      header: { type: 'text', text: 'Delivery' },
      body: { text: 'When shall we come?' },
      footer: { text: 'Reply to choose' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'AM', title: 'Morning' } },
          { type: 'reply', reply: { id: 'PM', title: 'Afternoon' } },
        ],
      },
    };
    expect((await sendWa({ type: 'interactive', interactive: buttons })).body['interactive']).toEqual(
      buttons,
    );
    const list = {
      type: 'list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Pick a size' },
      footer: { text: 'Sizes' },
      action: {
        button: 'Sizes',
        sections: [
          {
            title: 'Shirts',
            rows: [
              { id: 'S', title: 'Small', description: 'Fits close' },
              { id: 'M', title: 'Medium' },
            ],
          },
        ],
      },
    };
    expect((await sendWa({ type: 'interactive', interactive: list })).body['interactive']).toEqual(list);
  });

  it('what the canonical model has no field for goes as sent: a call-to-action URL message', async () => {
    const interactive = {
      type: 'cta_url',
      body: { text: 'Track your parcel' },
      action: {
        name: 'cta_url',
        parameters: { display_text: 'Track', url: 'https://example.com/track/4711' },
      },
    };
    const { body, transid } = await sendWa({ type: 'interactive', interactive });
    expect(body['interactive']).toEqual(interactive);
    expect((await gw.api('GET', `/v1/messages/${transid}`)).json.message.type).toBe('raw');
  });

  it('refuses a PSID for WhatsApp, and a wa block without its object', async () => {
    const base = {
      deliverychannel: 'whatsapp',
      appid: APP.whatsapp,
      channels: { 'OTT-Messaging': { wa: { type: 'text', text: { body: 'x' } } } },
    };
    expect(refused(await webex(gw, { ...base, destination: [{ psid: ['1254400000001'] }] }), '7004')).toMatch(
      /destination\[0\]\.psid\[0\]: psid is not an identifier for deliverychannel whatsapp/,
    );
    const noImage = {
      ...base,
      channels: { 'OTT-Messaging': { wa: { type: 'image' } } },
      destination: [{ waid: [waid()] }],
    };
    expect(refused(await webex(gw, noImage), '7003')).toBe(
      'Mandatory parameters missing: channels.OTT-Messaging.wa.image',
    );
  });
});
