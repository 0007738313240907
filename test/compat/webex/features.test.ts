/**
 * The documented fields beyond the content: message.template + parameters (a stored template),
 * smart links (`{{link_<linkid>}}`, validity in minutes), contactPolicy (consent, frequency cap),
 * expiry, appid, the identifier kinds that go through the contact store, Messenger's envelope
 * (messaging_type, tag, notification_type) and the receipt template, each checked at the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { APP, fill, fixture, providerRequest, psid, queued, refused, useApps, webex } from './helpers.ts';

let gw: TestGateway;
let clockOffsetMs = 0;
beforeAll(async () => {
  gw = await startTestGateway({}, { now: () => new Date(Date.now() + clockOffsetMs) });
  await useApps(gw);
});
afterAll(async () => gw.close());

type Json = Record<string, unknown>;
const fbText = (to: string, text: string, extra: Json = {}) => ({
  deliverychannel: 'fb',
  appid: APP.fb,
  channels: { 'OTT-Messaging': { fb: { text } } },
  destination: [{ psid: [to] }],
  ...extra,
});
const sentText = async (to: string) =>
  ((await providerRequest(gw, 'messenger', to)).body as { message: { text: string } }).message.text;

describe('message.template + parameters', () => {
  it("the seed's template block, with a template stored under its name", async () => {
    const made = await gw.api('POST', '/v1/templates', {
      name: 'webex-welcome',
      parameters: [{ name: 'parameter1' }, { name: 'parameter2' }, { name: 'parameter3' }],
      variants: { default: { type: 'text', text: 'Hi {{parameter1}}, {{parameter2}} / {{parameter3}}' } },
    });
    expect(made.status).toBe(201);
    const block = JSON.parse(fill(fixture('message-template'), { 'Template ID': 'webex-welcome' }));
    const to = psid(60_001);
    const [entry] = queued(
      await webex(gw, { deliverychannel: 'fb', appid: APP.fb, destination: [{ psid: [to] }], ...block }),
    );
    expect(await sentText(to)).toBe('Hi <value>, <value> / <value>');
    const stored = await gw.api('GET', `/v1/messages/${entry!.transid}`);
    expect(stored.json.template).toEqual({ name: 'webex-welcome', version: 1 });
  });

  it("the channel's variant, with numbers as parameter values; a channel block overrides the template", async () => {
    await gw.api('POST', '/v1/templates', {
      name: 'webex-order',
      parameters: [{ name: 'name' }, { name: 'order' }],
      variants: {
        default: { type: 'text', text: 'Order {{order}}' },
        messenger: { type: 'text', text: 'Hello {{name}}, order {{order}} shipped' },
      },
    });
    const to = psid(60_002);
    const message = { template: 'webex-order', parameters: { name: 'Ann', order: 4711 } };
    queued(await webex(gw, { deliverychannel: 'fb', appid: APP.fb, destination: [{ psid: [to] }], message }));
    expect(await sentText(to)).toBe('Hello Ann, order 4711 shipped');
    const over = psid(60_003);
    queued(await webex(gw, { ...fbText(over, 'The channel block wins'), message }));
    expect(await sentText(over)).toBe('The channel block wins');
  });

  it('an unknown template is 7004 on message.template; a missing parameter 7003 on message.parameters', async () => {
    const base = { deliverychannel: 'fb', appid: APP.fb, destination: [{ psid: [psid(60_004)] }] };
    expect(refused(await webex(gw, { ...base, message: { template: 'nope' } }), '7004')).toBe(
      'Invalid parameters: message.template: no template nope',
    );
    expect(
      refused(
        await webex(gw, { ...base, message: { template: 'webex-order', parameters: { name: 'Ann' } } }),
        '7003',
      ),
    ).toMatch(/^Mandatory parameters missing: message\.parameters\.order: /);
  });
});

describe('smart links', () => {
  it('{{link_<linkid>}} becomes a short URL to the stored link named after the linkid; validity is minutes', async () => {
    const link = await gw.api('POST', '/v1/links', { url: 'https://shop.example.com/app', name: '5' });
    expect(link.status).toBe(201);
    const to = psid(61_001);
    queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: {
          smartlinks: [{ linkid: 5, validity: 30 }],
          'OTT-Messaging': { fb: { text: 'Download the app {{link_5}}' } },
        },
        destination: [{ psid: [to] }],
      }),
    );
    const text = await sentText(to);
    const code = /^Download the app http:\/\/127\.0\.0\.1:\d+\/l\/([A-Za-z0-9]{10})$/.exec(text)?.[1];
    expect(code, text).toBeDefined();
    clockOffsetMs = 29 * 60_000;
    expect((await gw.app.inject({ method: 'GET', url: `/l/${code}` })).statusCode).toBe(302);
    clockOffsetMs = 31 * 60_000;
    expect((await gw.app.inject({ method: 'GET', url: `/l/${code}` })).statusCode).toBe(410);
    clockOffsetMs = 0;
  });

  it('a linkid may be the Omnigate link id; unknown links and placeholders without an entry are 7004', async () => {
    const link = await gw.api('POST', '/v1/links', { url: 'https://shop.example.com/sale' });
    const to = psid(61_002);
    const channels = (text: string, linkid: string | number) => ({
      smartlinks: [{ linkid }],
      'OTT-Messaging': { fb: { text } },
    });
    queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: channels(`Sale {{link_${link.json.id}}}`, link.json.id),
        destination: [{ psid: [to] }],
      }),
    );
    expect(await sentText(to)).toMatch(/^Sale http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9]{10}$/);
    const base = { deliverychannel: 'fb', appid: APP.fb, destination: [{ psid: [psid(61_003)] }] };
    expect(refused(await webex(gw, { ...base, channels: channels('Go {{link_77}}', 77) }), '7004')).toMatch(
      /channels\.smartlinks\[0\]\.linkid: no link 77/,
    );
    expect(refused(await webex(gw, { ...base, channels: channels('Go {{link_9}}', 5) }), '7004')).toMatch(
      /\{\{link_9\}\} has no channels\.smartlinks entry with linkid 9/,
    );
  });
});

describe('contactPolicy', () => {
  let contactId: string;
  const person = psid(62_001);
  beforeAll(async () => {
    const made = await gw.api('POST', '/v1/contacts', {
      name: 'Ann',
      identities: [
        { channel: 'messenger', address: person },
        { channel: 'phone', address: '+447700900555' },
        { channel: 'email', address: 'ann@example.com' },
      ],
    });
    expect(made.status).toBe(201);
    contactId = made.json.id;
    expect((await gw.api('PUT', '/v1/frequency-caps/webex-promo', { perDay: 1 })).status).toBe(200);
  });

  it('channelApplyFrequencyCap: the second message of the day to the person is refused, naming them', async () => {
    const policy = { contactPolicy: { contactPolicyGroup: 'webex-promo', channelApplyFrequencyCap: true } };
    const [entry] = queued(await webex(gw, fbText(person, 'Promo 1', policy)));
    expect((await gw.api('GET', `/v1/messages/${entry!.transid}`)).json.policy).toMatchObject({
      frequencyCap: { group: 'webex-promo' },
    });
    expect(refused(await webex(gw, fbText(person, 'Promo 2', policy)), '7004')).toMatch(
      /^Invalid parameters: destination\[0\]\.psid\[0\]: 1 of 1 webex-promo messages this day already/,
    );
  });

  it('channelCheckConsent: refused without an opt-in, queued with one', async () => {
    const policy = { contactPolicy: { contactPolicyGroup: 'webex-news', channelCheckConsent: true } };
    expect(refused(await webex(gw, fbText(person, 'News', policy)), '7004')).toMatch(/no marketing consent/);
    await gw.api('PUT', `/v1/contacts/${contactId}/consent`, { purpose: 'marketing', status: 'opted_in' });
    queued(await webex(gw, fbText(person, 'News', policy)));
  });

  it('the group is mandatory, and one of the two checks must be asked for', async () => {
    expect(
      refused(await webex(gw, fbText(person, 'x', { contactPolicy: { channelCheckConsent: true } })), '7003'),
    ).toBe('Mandatory parameters missing: contactPolicy.contactPolicyGroup');
    expect(
      refused(await webex(gw, fbText(person, 'x', { contactPolicy: { contactPolicyGroup: 'g' } })), '7004'),
    ).toMatch(/channelCheckConsent or channelApplyFrequencyCap must be true/);
  });

  it('customerid, userid, msisdn and email reach the person through the contact store', async () => {
    const entries = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: { 'OTT-Messaging': { fb: { text: 'By any id' } } },
        destination: [
          { customerid: [contactId] },
          { userid: [contactId] },
          { msisdn: ['447700900555'] },
          { email: ['ann@example.com'] },
        ],
      }),
      4,
    );
    const stored = await Promise.all(entries.map((e) => gw.api('GET', `/v1/messages/${e.transid}`)));
    expect(stored.map((s) => [s.json.to, s.json.contactId])).toEqual(Array(4).fill([person, contactId]));
    expect(
      refused(
        await webex(gw, { ...fbText(person, 'x'), destination: [{ msisdn: ['+447700900000'] }] }),
        '7004',
      ),
    ).toMatch(/destination\[0\]\.msisdn\[0\]: no contact has the phone \+447700900000/);
  });
});

describe('expiry, appid, and what is stored', () => {
  it("expiry with the document's +5:30 offset is that instant; appid picks the channel account", async () => {
    const to = psid(63_001);
    const [entry] = queued(
      await webex(
        gw,
        fbText(to, 'Until then', {
          expiry: '2099-04-12T18:30:19.456+5:30',
          appid: APP.fb,
          correlationid: 'exp-1',
          callbackData: 'cb',
        }),
      ),
    );
    const stored = (await gw.api('GET', `/v1/messages/${entry!.transid}`)).json;
    expect(stored).toMatchObject({
      expiresAt: '2099-04-12T13:00:19.456Z',
      from: gw.accountId('messenger'),
      correlationId: 'exp-1',
      callbackData: 'cb',
    });
  });
});

describe("Messenger's envelope and receipts", () => {
  it('messaging_type MESSAGE_TAG with its tag, and notification_type, reach the Send API body', async () => {
    // The document's example with its one mistake (`"NO_PUSH"or"SILENT_PUSH"`) settled.
    const to = psid(64_001);
    const text = fill(fixture('fb-text-quick-replies-tag'), {
      'app-id': APP.fb,
      psid: to,
    }).replace('"NO_PUSH"or"SILENT_PUSH"', '"NO_PUSH"');
    queued(await webex(gw, text));
    const fb = JSON.parse(text).channels['OTT-Messaging'].fb;
    expect((await providerRequest(gw, 'messenger', to)).body).toEqual({
      recipient: { id: to },
      messaging_type: 'MESSAGE_TAG',
      tag: 'ACCOUNT_UPDATE',
      notification_type: 'NO_PUSH',
      message: { text: fb.text, quick_replies: fb.quick_replies },
    });
  });

  it("the seed's receipt, its braces mended: address, adjustments and all reach Messenger as written", async () => {
    const to = psid(64_002);
    const head = fixture('fb-receipt-template').split('\n').slice(0, 64).join('\n');
    const body = {
      ...JSON.parse(fill(head, { appid: APP.fb })),
      destination: [{ psid: [to] }],
    };
    queued(await webex(gw, body));
    const sent = (await providerRequest(gw, 'messenger', to)).body as Json;
    expect(sent['message']).toEqual({ attachment: body.channels['OTT-Messaging'].fb.attachment });
  });

  it('a receipt the canonical model holds whole goes as a canonical receipt, field by field the same', async () => {
    const to = psid(64_003);
    const payload = {
      template_type: 'receipt',
      recipient_name: 'Stephane Crozatier',
      order_number: '12345678902',
      currency: 'USD',
      payment_method: 'Visa 2345',
      elements: [
        { title: 'Classic White T-Shirt', subtitle: 'Cotton', quantity: 2, price: 50, currency: 'USD' },
      ],
      summary: { subtotal: 75, shipping_cost: 4.95, total_tax: 6.19, total_cost: 56.14 },
    };
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: { 'OTT-Messaging': { fb: { attachment: { type: 'template', payload } } } },
        destination: [{ psid: [to] }],
      }),
    );
    expect((await gw.api('GET', `/v1/messages/${entry!.transid}`)).json.message.type).toBe('receipt');
    const sent = (await providerRequest(gw, 'messenger', to)).body as { message: { attachment: Json } };
    expect(sent.message.attachment).toEqual({ type: 'template', payload });
  });
});
