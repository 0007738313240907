/**
 * The façades answer as their vendors do where the vendors are lenient or particular:
 *
 * - a field a vendor does not know is ignored by it, so each façade ignores it too, records it on
 *   the message (a `compat_field_ignored` degradation) and never sends it on; a known field with
 *   the wrong type is still refused;
 * - Webex Connect's `appid` is the app id the tenant gave a channel account (unique per channel);
 * - Infobip's `to` may be a phone number: the contact with that phone and a LINE identity, else
 *   Infobip's REJECTED_DESTINATION status, with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../support/gateway.ts';
import { lineUser } from '../support/recipients.ts';
import { push } from './firstline/client.ts';
import { setUpExampleWorld, withMessage } from './infobip/examples.ts';
import { contactWithPhone, konnek, request as konnekRequest } from './konnek/client.ts';
import { APP, providerRequest, psid, queued, refused, useApps, webex } from './webex/helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers and provider bodies are read freely.
type Json = any;

let gw: TestGateway;
let infobip: Awaited<ReturnType<typeof setUpExampleWorld>>;
beforeAll(async () => {
  gw = await startTestGateway();
  await useApps(gw);
  infobip = await setUpExampleWorld(gw, lineUser(5), CONNECTORS.line!.sandboxCredentials);
});
afterAll(async () => gw?.close());

const ignoredOf = (message: Json) =>
  (message.degradations as Json[]).filter((d) => d.rule === 'compat_field_ignored').map((d) => d.pointer);

const infobipPost = (body: string) =>
  gw.app.inject({
    method: 'POST',
    url: '/line/1/single',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`any:${TEST_API_KEY}`).toString('base64')}`,
    },
    payload: body,
  });

describe('unknown fields are ignored, recorded, and never sent on', () => {
  it('Webex Connect: the seed’s gtrId and icmessage, and one inside the fb block', async () => {
    const to = psid(80_001);
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: { 'OTT-Messaging': { fb: { text: 'hello', colour: 'red' } } },
        destination: [{ psid: [to], shard: 3 }],
        gtrId: ['rcsgtrid'],
        icmessage: 'true',
      }),
    );
    const message = await gw.waitForStatus(entry!.transid!, ['sent', 'delivered', 'read']);
    expect(ignoredOf(message)).toEqual([
      '/channels/OTT-Messaging/fb/colour',
      '/destination/0/shard',
      '/gtrId',
      '/icmessage',
    ]);
    expect((message.degradations as Json[])[0]).toMatchObject({
      from: 'channels.OTT-Messaging.fb.colour',
      to: expect.stringMatching(/^ignored/),
    });
    const sent = await providerRequest(gw, 'messenger', to);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      recipient: { id: to },
      messaging_type: 'RESPONSE',
      message: { text: 'hello' },
    });
  });

  it('Webex Connect: an unknown field inside a quick reply is not passed to Messenger with the block', async () => {
    const to = psid(80_002);
    const reply = {
      content_type: 'text',
      title: 'Red',
      payload: 'RED',
      image_url: 'https://e.example/r.png',
    };
    queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: { 'OTT-Messaging': { fb: { text: 'pick', quick_replies: [{ ...reply, weight: 2 }] } } },
        destination: [{ psid: [to] }],
      }),
    );
    const sent = await providerRequest(gw, 'messenger', to);
    expect(sent.status).toBe(200);
    expect((sent.body as Json).message).toEqual({ text: 'pick', quick_replies: [reply] });
  });

  it('Webex Connect: a known field of the wrong type is still refused', async () => {
    const answer = await webex(gw, {
      deliverychannel: 'fb',
      appid: APP.fb,
      channels: { 'OTT-Messaging': { fb: { text: 5 } } },
      destination: [{ psid: [psid(80_003)] }],
    });
    expect(refused(answer, '7004')).toMatch(/channels\.OTT-Messaging\.fb\.text must be string/);
  });

  it('Infobip: unknown fields at the top and in the message', async () => {
    const body = JSON.parse(withMessage({ type: 'TEXT', text: 'hi', colour: 'red' })) as Json;
    const res = await infobipPost(JSON.stringify({ ...body, notifyUrl: 'https://e.example/dlr' }));
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().messages[0].messageId as string;
    const message = await gw.waitForStatus(id, ['sent', 'delivered', 'read']);
    expect(ignoredOf(message)).toEqual(['/message/colour', '/notifyUrl']);
    const retryKey = (message.providerRequest as Json).headers['X-Line-Retry-Key'];
    const sent = gw.requests('line', lineUser(5)).find((r) => r.headers['x-line-retry-key'] === retryKey);
    expect(sent?.status).toBe(200);
    expect(sent?.body).toEqual({ to: lineUser(5), messages: [{ type: 'text', text: 'hi' }] });
  });

  it('Infobip: a known field of the wrong type is still a 400', async () => {
    const res = await infobipPost(withMessage({ type: 'TEXT', text: 7 }));
    expect(res.statusCode).toBe(400);
    expect(res.json().requestError.serviceException.validationErrors).toHaveProperty(['message.text']);
  });

  it('Konnek: unknown fields at the top, in the body and in a button', async () => {
    const phone = '+6281234580001';
    await contactWithPhone(gw, phone, { telegram: '800001' });
    const res = await konnek(
      gw,
      'telegram',
      gw.accountId('telegram'),
      konnekRequest(phone.slice(1), {
        type: 'button',
        priority: 'high',
        body: { text: 'Pick', button: [{ key: 'a', title: 'A', style: 'bold' }], mood: 'x' },
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    const message = await gw.waitForStatus(res.json().data.message_id, ['sent', 'delivered', 'read']);
    expect(ignoredOf(message)).toEqual(['/body/button/0/style', '/body/mood', '/priority']);
    const sent = await providerRequest(gw, 'telegram', '800001');
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.body)).not.toMatch(/bold|mood|high/);
  });

  it('Konnek: a known field of the wrong type is still refused', async () => {
    const res = await konnek(
      gw,
      'telegram',
      gw.accountId('telegram'),
      konnekRequest('6281234580001', { type: 'text', body: { text: ['x'] } }),
    );
    expect(res.statusCode).toBe(400);
  });

  it('FIRST LINE: unknown fields at the top and in the message', async () => {
    const psidOf = psid(80_010);
    const res = await push(gw, {
      contactable_type: 'App\\FbContact',
      contactable_id: psidOf,
      type: 'button',
      message: {
        explain_text: 'Choose',
        options: [{ label: 'Yes', value: 'yes', type: 'text', icon: 'check' }],
        theme: 'dark',
      },
      channel_id: 12,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const [latest] = (await gw.api('GET', '/v1/messages?channel=messenger&limit=1')).json.data;
    const message = await gw.waitForStatus(latest.id, ['sent', 'delivered', 'read']);
    expect(ignoredOf(message)).toEqual(['/channel_id', '/message/options/0/icon', '/message/theme']);
    const sent = await providerRequest(gw, 'messenger', psidOf);
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.body)).not.toMatch(/check|dark/);
  });

  it('FIRST LINE: a known field of the wrong type is still a 422', async () => {
    const res = await push(gw, {
      contactable_type: 'App\\FbContact',
      contactable_id: psid(80_011),
      type: 'button',
      message: { explain_text: 'Choose', options: 'yes' },
    });
    expect(res.status).toBe(422);
  });
});

describe('Webex Connect appid', () => {
  it('is set when the account is made, unique per tenant and channel, and removable', async () => {
    const made = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'messenger',
      name: 'second page',
      credentials: CONNECTORS.messenger!.sandboxCredentials,
      appId: 'second-page-app',
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    expect(made.json.appId).toBe('second-page-app');
    const listed = (await gw.api('GET', '/v1/channel-accounts')).json.data.find(
      (a: Json) => a.id === made.json.id,
    );
    expect(listed.appId).toBe('second-page-app');

    const to = psid(80_020);
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: 'second-page-app',
        channels: { 'OTT-Messaging': { fb: { text: 'from the second page' } } },
        destination: [{ psid: [to] }],
      }),
    );
    expect((await gw.api('GET', `/v1/messages/${entry!.transid}`)).json.from).toBe(made.json.id);

    const clash = await gw.api('PATCH', `/v1/channel-accounts/${gw.accountId('messenger')}`, {
      appId: 'second-page-app',
    });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.json)).toContain('/appId');
    // Another channel may use the same id.
    const otherChannel = await gw.api('PATCH', `/v1/channel-accounts/${gw.accountId('line')}`, {
      appId: 'second-page-app',
    });
    expect(otherChannel.status).toBe(200);

    const removed = await gw.api('PATCH', `/v1/channel-accounts/${made.json.id}`, { appId: null });
    expect(removed.status).toBe(200);
    expect(removed.json.appId).toBeUndefined();
    expect(
      refused(
        await webex(gw, {
          deliverychannel: 'fb',
          appid: 'second-page-app',
          channels: { 'OTT-Messaging': { fb: { text: 'x' } } },
          destination: [{ psid: [to] }],
        }),
        '7004',
      ),
    ).toMatch(/appid/);
  });
});

describe('Infobip `to` as a phone number', () => {
  it('reaches the contact with that phone and a LINE identity', async () => {
    await gw.api('POST', '/v1/contacts', {
      identities: [
        { channel: 'phone', address: '+41793026727' },
        { channel: 'line', address: lineUser(6) },
      ],
    });
    const res = await infobipPost(withMessage({ type: 'TEXT', text: 'by phone' }, undefined, '41793026727'));
    expect(res.statusCode, res.body).toBe(200);
    const [entry] = res.json().messages;
    expect(entry).toMatchObject({ to: '41793026727', status: { groupName: 'PENDING' } });
    const message = await gw.waitForStatus(entry.messageId, ['sent', 'delivered', 'read']);
    expect(message).toMatchObject({ channel: 'line', to: lineUser(6), from: infobip.accountId });
  });

  it('a number no contact has, or whose contact has no LINE identity: 200 REJECTED_DESTINATION, nothing stored', async () => {
    await gw.api('POST', '/v1/contacts', { identities: [{ channel: 'phone', address: '+41790000002' }] });
    const before = (await gw.api('GET', '/v1/messages?channel=line&limit=200')).json.data.length;
    for (const to of ['41790000001', '+41790000002']) {
      const res = await infobipPost(withMessage({ type: 'TEXT', text: 'nobody' }, undefined, to));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        messages: [
          {
            to,
            status: {
              groupId: 5,
              groupName: 'REJECTED',
              id: 52,
              name: 'REJECTED_DESTINATION',
              description: 'Invalid destination address',
            },
            messageId: expect.stringMatching(/^msg_/),
          },
        ],
      });
    }
    expect((await gw.api('GET', '/v1/messages?channel=line&limit=200')).json.data.length).toBe(before);
  });
});
