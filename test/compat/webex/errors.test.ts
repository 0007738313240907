/**
 * The Webex Connect response codes the façade answers with, each provoked through HTTP: 7002 and
 * 7001 (the service key), 7000 (not JSON), 7003 (something mandatory missing, in the document's
 * own words where it has them), 7004 (invalid, naming the field as the client wrote it), 7007
 * (channels Omnigate does not have yet) and 7006; 7009 is in batch.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBEX_CODES } from '../../../src/compat/webex/answer.ts';
import { toWebexError } from '../../../src/compat/webex/errors.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { APP, psid, queued, refused, useApps, webex } from './helpers.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  await useApps(gw);
});
afterAll(async () => gw.close());

const fb = (block: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  deliverychannel: 'fb',
  appid: APP.fb,
  channels: { 'OTT-Messaging': { fb: block } },
  destination: [{ psid: [psid(900)] }],
  ...extra,
});

describe('the service key', () => {
  it('no key header: 7002 Service key missing', async () => {
    expect(refused(await webex(gw, fb({ text: 'hi' }), null), '7002')).toBe('Service key missing');
    expect(refused(await webex(gw, fb({ text: 'hi' }), '  '), '7002')).toBe('Service key missing');
  });

  it('a key no tenant has: 7001 Authentication failed, checked before the body is read', async () => {
    expect(refused(await webex(gw, fb({ text: 'hi' }), 'not-a-key-of-anyone'), '7001')).toBe(
      'Authentication failed',
    );
    refused(await webex(gw, '{not json', 'not-a-key-of-anyone'), '7001');
  });

  it("a key registered for webex works; another vendor's credential with the same secret does not", async () => {
    const made = await gw.api('POST', '/v1/compat-credentials', { vendor: 'webex' });
    expect(made.status).toBe(201);
    queued(await webex(gw, fb({ text: 'with my own key' }), made.json.secret));
    const firstline = await gw.api('POST', '/v1/compat-credentials', { vendor: 'firstline' });
    refused(await webex(gw, fb({ text: 'hi' }), firstline.json.secret), '7001');
  });
});

describe('7000 Invalid JSON', () => {
  it('a body that is not JSON, and an empty one', async () => {
    expect(refused(await webex(gw, '{"deliverychannel":"fb",'), '7000')).toMatch(/^Invalid JSON/);
    refused(await webex(gw, ''), '7000');
  });
});

describe('7003 Mandatory parameters missing', () => {
  it('names the missing top-level parameters', async () => {
    expect(refused(await webex(gw, {}), '7003')).toBe(
      'Mandatory parameters missing: deliverychannel, destination',
    );
  });

  it("a destination without an identifier, in the document's words", async () => {
    const words = 'any one of [customerid,msisdn,email,userid,pushid,psid,waid] is mandatory';
    expect(refused(await webex(gw, fb({ text: 'hi' }, { destination: [] })), '7003')).toBe(words);
    expect(
      refused(await webex(gw, fb({ text: 'hi' }, { destination: [{ correlationid: 'c1' }] })), '7003'),
    ).toBe(words);
  });

  it("the channel block missing, in the document's words", async () => {
    const base = { deliverychannel: 'fb', appid: APP.fb, destination: [{ psid: [psid(901)] }] };
    expect(refused(await webex(gw, base), '7003')).toBe("param 'OTT-Messaging' missing for channel fb");
    expect(refused(await webex(gw, { ...base, channels: { 'OTT-Messaging': {} } }), '7003')).toBe(
      "param 'fb' missing for channel fb",
    );
    expect(refused(await webex(gw, fb({ notification_type: 'NO_PUSH' })), '7003')).toBe(
      "param 'text' missing for channel fb",
    );
    expect(
      refused(
        await webex(gw, {
          deliverychannel: 'whatsapp',
          appid: APP.whatsapp,
          channels: {},
          destination: [{ waid: ['16505551234'] }],
        }),
        '7003',
      ),
    ).toBe("param 'OTT-Messaging' missing for channel whatsapp");
  });

  it('a quick reply without its payload, a button without its URL, a tag for MESSAGE_TAG', async () => {
    const qr = fb({ text: 'pick', quick_replies: [{ content_type: 'text', title: 'Red' }] });
    expect(refused(await webex(gw, qr), '7003')).toBe(
      'Mandatory parameters missing: channels.OTT-Messaging.fb.quick_replies[0].payload',
    );
    const button = fb({
      attachment: {
        type: 'template',
        payload: { template_type: 'button', text: 'Go', buttons: [{ type: 'web_url', title: 'Open' }] },
      },
    });
    expect(refused(await webex(gw, button), '7003')).toBe(
      'Mandatory parameters missing: channels.OTT-Messaging.fb.attachment.payload.buttons[0].url',
    );
    expect(refused(await webex(gw, fb({ text: 'late', messaging_type: 'MESSAGE_TAG' })), '7003')).toMatch(
      /param 'tag' missing for messaging_type MESSAGE_TAG/,
    );
  });
});

describe('7004 Invalid parameters, naming the field as sent', () => {
  it('an unknown deliverychannel and an identifier kind the document does not list', async () => {
    expect(refused(await webex(gw, fb({ text: 'hi' }, { deliverychannel: 'telegram' })), '7004')).toMatch(
      /deliverychannel telegram is not one of/,
    );
  });

  it('an identifier kind the document does not list is ignored: alone, the entry names nobody (7003)', async () => {
    expect(refused(await webex(gw, fb({ text: 'hi' }, { destination: [{ fbid: ['1'] }] })), '7003')).toBe(
      'any one of [customerid,msisdn,email,userid,pushid,psid,waid] is mandatory',
    );
  });

  it("an identifier of another channel: a waid for fb is that destination's refusal", async () => {
    const description = refused(
      await webex(gw, fb({ text: 'hi' }, { destination: [{ waid: ['16505551234'] }] })),
      '7004',
    );
    expect(description).toMatch(
      /destination\[0\]\.waid\[0\]: waid is not an identifier for deliverychannel fb/,
    );
  });

  it('a PSID Messenger cannot have names destination[i].psid[j]', async () => {
    const description = refused(
      await webex(gw, fb({ text: 'hi' }, { destination: [{ psid: ['not-a-psid'] }] })),
      '7004',
    );
    expect(description).toMatch(/^Invalid parameters: destination\[0\]\.psid\[0\]: /);
  });

  it("Messenger's limits name the Webex field: text, quick reply titles, element subtitles", async () => {
    expect(refused(await webex(gw, fb({ text: 'x'.repeat(2001) })), '7004')).toMatch(
      /^Invalid parameters: channels\.OTT-Messaging\.fb\.text: .*2000/,
    );
    const qr = fb({
      text: 'pick',
      quick_replies: [{ content_type: 'text', title: 'A title far over twenty', payload: 'P' }],
    });
    expect(refused(await webex(gw, qr), '7004')).toMatch(
      /channels\.OTT-Messaging\.fb\.quick_replies\[0\]\.title: /,
    );
    const generic = fb({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            { title: 'Shirt', subtitle: 's'.repeat(81), image_url: 'https://cdn.example.com/s.png' },
          ],
        },
      },
    });
    expect(refused(await webex(gw, generic), '7004')).toMatch(
      /channels\.OTT-Messaging\.fb\.attachment\.payload\.elements\[0\]\.subtitle: /,
    );
    const phone = fb({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Call us',
          buttons: [{ type: 'phone_number', title: 'Call', payload: '+9177xxxxxxxx' }],
        },
      },
    });
    expect(refused(await webex(gw, phone), '7004')).toMatch(
      /channels\.OTT-Messaging\.fb\.attachment\.payload\.buttons\[0\]\.payload: /,
    );
  });

  it('text and attachment together, a sender action with text, a tag without MESSAGE_TAG, a bad tag', async () => {
    const both = fb({
      text: 'hi',
      attachment: { type: 'image', payload: { url: 'https://cdn.example.com/a.png' } },
    });
    expect(refused(await webex(gw, both), '7004')).toMatch(/has text and attachment/);
    expect(refused(await webex(gw, fb({ text: 'hi', sender_action: 'typing_on' })), '7004')).toMatch(
      /goes alone/,
    );
    expect(refused(await webex(gw, fb({ text: 'hi', tag: 'ACCOUNT_UPDATE' })), '7004')).toMatch(
      /fb\.tag is sent with messaging_type MESSAGE_TAG only/,
    );
    expect(
      refused(
        await webex(gw, fb({ text: 'hi', messaging_type: 'MESSAGE_TAG', tag: 'SHIPPING_UPDATE' })),
        '7004',
      ),
    ).toMatch(/channels\.OTT-Messaging\.fb\.tag must be equal to one of the allowed values/);
  });

  it('a template type the document does not list, a media attachment without its URL', async () => {
    const list = fb({ attachment: { type: 'template', payload: { template_type: 'list', elements: [] } } });
    expect(refused(await webex(gw, list), '7004')).toMatch(
      /template_type must be one of generic, button, receipt/,
    );
    const noUrl = fb({ attachment: { type: 'image', payload: {} } });
    expect(refused(await webex(gw, noUrl), '7003')).toMatch(/fb\.attachment\.payload\.url/);
  });

  it('a correlationid over 50 bytes, an expiry that is no time or already past, an unknown appid', async () => {
    expect(refused(await webex(gw, fb({ text: 'hi' }, { correlationid: 'é'.repeat(26) })), '7004')).toBe(
      'Invalid parameters: correlationid is over 50 bytes',
    );
    expect(refused(await webex(gw, fb({ text: 'hi' }, { expiry: 'tomorrow' })), '7004')).toMatch(
      /expiry tomorrow/,
    );
    expect(
      refused(await webex(gw, fb({ text: 'hi' }, { expiry: '2015-04-12T13:00:19.456Z' })), '7004'),
    ).toMatch(/^Invalid parameters: expiry: is already past/);
    expect(refused(await webex(gw, fb({ text: 'hi' }, { appid: 'a_155054536910425280' })), '7004')).toMatch(
      /^Invalid parameters: appid: no fb app 'a_155054536910425280'/,
    );
  });

  it('appid is the app a channel account was given: missing or empty is 7003; an Omnigate account id is no app id', async () => {
    const { appid: _app, ...withoutApp } = fb({ text: 'hi' });
    expect(refused(await webex(gw, withoutApp), '7003')).toBe(
      'Mandatory parameters missing: appid (required for deliverychannel fb)',
    );
    expect(refused(await webex(gw, fb({ text: 'hi' }, { appid: '' })), '7003')).toMatch(/appid/);
    expect(
      refused(await webex(gw, fb({ text: 'hi' }, { appid: gw.accountId('messenger') })), '7004'),
    ).toMatch(/^Invalid parameters: appid: no fb app 'ca_/);
    // The whatsapp account's app id does not name a Messenger account.
    const nobody = { destination: [{ psid: [psid(977)] }] };
    expect(refused(await webex(gw, fb({ text: 'hi' }, { ...nobody, appid: APP.whatsapp })), '7004')).toMatch(
      /appid/,
    );
    expect(
      (await gw.api('GET', '/v1/messages?limit=200')).json.data.map((m: { to: string }) => m.to),
    ).not.toContain(psid(977));
  });

  it('a body over the size limit', async () => {
    refused(await webex(gw, fb({ text: 'x'.repeat(1_100_000) })), '7004');
  });

  it('the NUL character in a field', async () => {
    expect(refused(await webex(gw, fb({ text: 'a\u0000b' })), '7004')).toMatch(
      /text.*must not contain the NUL character/,
    );
  });
});

describe('7007 and 7006', () => {
  it('a channel Omnigate does not have yet: Service inactive, before its content is looked at', async () => {
    const description = refused(
      await webex(gw, {
        deliverychannel: 'sms',
        channels: { sms: { text: 'hi' } },
        destination: [{ msisdn: ['+447700900123'] }],
      }),
      '7007',
    );
    expect(description).toBe(
      'Service inactive: deliverychannel sms has no channel in this gateway yet; fb and whatsapp are active',
    );
  });

  it('anything unexpected is 7006 Internal error occurred, the one answer with a 5xx', () => {
    const e = toWebexError(new Error('disk on fire'));
    expect([e.code, e.description]).toEqual([WEBEX_CODES.internalError.code, 'Internal error occurred']);
  });
});

describe('the published API', () => {
  it('/openapi.json has the endpoint under the webex tag, with its body schema', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const post = doc.paths['/resources/v1/messaging'].post;
    expect(post.tags).toEqual(['webex']);
    expect(Object.keys(post.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['deliverychannel', 'destination', 'channels', 'notifyurl', 'contactPolicy']),
    );
  });
});
