/**
 * Every JSON example of seed 003 (Webex Connect Messaging API v1), kept verbatim under
 * test/fixtures/compat/webex, sent to the façade as written: the document's `<placeholders>` are
 * filled with real values and nothing else is touched. A Messenger example is queued (1001) and
 * what reaches the Messenger sandbox carries the example's content field by field; an example
 * the document got wrong (comments, a missing brace, an empty mandatory text) is refused in
 * Webex's own terms; an example for a channel Omnigate does not have yet answers 7007.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../src/sandbox/specs.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { APP, fill, fixture, providerRequest, psid, queued, refused, useApps, webex } from './helpers.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  await useApps(gw);
});
afterAll(async () => gw.close());

type Json = Record<string, unknown>;

/** Fills an fb example for recipient `to`: the document's placeholders, nothing else. */
const fbExample = (name: string, to: string) =>
  fill(fixture(name), {
    appid: APP.fb,
    'app-id': APP.fb,
    psid: to,
    'image-url': 'https://cdn.example.com/webex/photo.png',
    'audio-url': 'https://cdn.example.com/webex/voice.mp3',
    'video-url': 'https://cdn.example.com/webex/clip.mp4',
    'file-url': 'https://cdn.example.com/webex/terms.pdf',
  });

/** The example's own `fb` block, as the Send API's `message` (the envelope fields apart). */
function fbBlock(text: string): Json {
  const {
    type: _conversation,
    messaging_type: _m,
    tag: _t,
    notification_type: _n,
    ...message
  } = (JSON.parse(text) as { channels: { 'OTT-Messaging': { fb: Json } } }).channels['OTT-Messaging'].fb;
  return message;
}

describe('seed 003 Messenger examples, sent verbatim', () => {
  const delivered = [
    'fb-image',
    'fb-audio',
    'fb-video',
    'fb-file',
    'fb-generic-template',
    'fb-quick-replies',
    'fb-quick-replies-images',
  ];
  for (const [n, name] of delivered.entries()) {
    it(`${name}: queued, and Messenger receives the same content`, async () => {
      const to = psid(100 + n);
      const text = fbExample(name, to);
      const [entry] = queued(await webex(gw, text));
      const sent = await providerRequest(gw, 'messenger', to);
      const body = sent.body as Json;
      expect(sent.status, JSON.stringify(sent.response)).toBe(200);
      expect(body['recipient']).toEqual({ id: to });
      expect(body['messaging_type']).toBe('RESPONSE');
      // Field by field: every field of the example's block is in the Send API message, equal.
      expect(body['message']).toMatchObject(fbBlock(text));
      await gw.waitForStatus(entry!.transid!, ['sent', 'delivered', 'read']);
    });
  }

  it('fb-generic-template: each element keeps its title, subtitle, image and buttons exactly', async () => {
    const to = psid(120);
    queued(await webex(gw, fbExample('fb-generic-template', to)));
    const sent = (await providerRequest(gw, 'messenger', to)).body as {
      message: { attachment: { payload: { template_type: string; elements: Json[] } } };
    };
    const expected = fbBlock(fbExample('fb-generic-template', to)) as {
      attachment: { payload: { elements: Json[] } };
    };
    expect(sent.message.attachment.payload.template_type).toBe('generic');
    expect(sent.message.attachment.payload.elements).toEqual(expected.attachment.payload.elements);
  });

  it('fb-sender-action: typing_on reaches Messenger as a sender action', async () => {
    const to = psid(121);
    const [entry] = queued(await webex(gw, fbExample('fb-sender-action', to)));
    const sent = await providerRequest(gw, 'messenger', to);
    expect(sent.body).toEqual({ recipient: { id: to }, sender_action: 'typing_on' });
    await gw.waitForStatus(entry!.transid!, ['sent']);
  });

  for (const [n, name] of [
    'fb-airline-itinerary',
    'fb-airline-checkin',
    'fb-airline-boardingpass',
    'fb-airline-update',
  ].entries()) {
    it(`${name} (deprecated): queued, then failed by the gateway in the seed's words, never sent`, async () => {
      const to = psid(130 + n);
      const text = fbExample(name, to);
      const [entry] = queued(await webex(gw, text));
      // biome-ignore lint/suspicious/noExplicitAny: the message view is read freely.
      const failed: any = await gw.waitForStatus(entry!.transid!, ['failed', 'sent', 'delivered']);
      expect(failed.status).toBe('failed');
      const event = failed.events.find((e: Json) => e['status'] === 'failed');
      expect(event).toMatchObject({
        code: 'deprecated_template',
        reason: expect.stringMatching(/^Airline .* Template is deprecated and the .* delivery receipt/),
      });
      // What would have gone is kept on the message, and nothing went.
      expect((failed.providerRequest.body as Json)['message']).toEqual(fbBlock(text));
      await new Promise((r) => setTimeout(r, 100));
      expect(gw.requests('messenger', to)).toEqual([]);
    });
  }

  it('fb-button-template: the document leaves the mandatory text empty: 7003, nothing sent', async () => {
    const to = psid(140);
    const description = refused(await webex(gw, fbExample('fb-button-template', to)), '7003');
    expect(description).toBe("param 'text' missing for channel fb");
    expect(gw.requests('messenger', to)).toEqual([]);
  });

  for (const name of ['fb-text-quick-replies-tag', 'fb-receipt-template']) {
    it(`${name}: the document's example is not JSON: 7000, nothing sent`, async () => {
      const to = psid(150 + name.length);
      const description = refused(await webex(gw, fbExample(name, to)), '7000');
      expect(description).toMatch(/^Invalid JSON/);
      expect(gw.requests('messenger', to)).toEqual([]);
    });
  }

  it('an example with its placeholders left in is refused for the recipient, not sent', async () => {
    const description = refused(await webex(gw, fixture('fb-sender-action')), '7004');
    expect(description).toMatch(/appid|destination\[0\]\.psid\[0\]/);
  });
});

describe('seed 003 examples for channels Omnigate does not have yet', () => {
  const sms = (block: string) =>
    `{"deliverychannel":"sms","channels":{"sms":${block}},"destination":[{"msisdn":["+447700900123"]}]}`;
  const voice = (block: string) =>
    `{"deliverychannel":"voice","channels":{"voice":${block}},"destination":[{"msisdn":["+447700900123"]}]}`;
  const push = (block: string) =>
    `{"deliverychannel":"push","appid":"web-app","channels":{"push":${block}},"destination":[{"userid":["4545"]}]}`;
  const extras = (platform: string) => (block: string) =>
    push(`{"${platform}":{"text":"Hello","extras":${block}}}`);

  // Each of the document's channel objects, in a request for its channel.
  const inactive: Array<[string, (block: string) => string]> = [
    ['sms-object-shape', sms],
    ['sms-object', sms],
    ['sms-object-smartlink', sms],
    ['voice-object-shape', voice],
    ['push-android-extras', extras('android')],
    ['push-ios-extras', extras('ios')],
    ['push-web', push],
    ['push-ios', push],
    ['push-android', push],
    ['push-android-ios', push],
    ['push-deeplink', push],
    ['push-interactive', push],
  ];
  for (const [name, wrap] of inactive) {
    it(`${name}: 7007 Service inactive`, async () => {
      const description = refused(await webex(gw, wrap(fixture(name))), '7007');
      expect(description).toMatch(/^Service inactive: deliverychannel (sms|voice|push) has no channel/);
    });
  }

  const malformed: Array<[string, (block: string) => string]> = [
    ['sample-request', (t) => t],
    ['sms-smartlink-e164', (t) => t],
    ['sms-smartlink', (t) => t],
    ['push-android-request', (t) => t],
    ['voice-prompt', voice],
    ['voice-callflow', voice],
    ['push-ios-shape', push],
    ['push-web-shape', push],
    ['push-interactive-shape', push],
    ['push-interactive-action-shape', (t) => push(`{"interactive":{"actions":[${t}]}}`)],
  ];
  for (const [name, wrap] of malformed) {
    it(`${name}: the document's example is not JSON (comments, prose, a missing brace): 7000`, async () => {
      refused(await webex(gw, wrap(fixture(name))), '7000');
    });
  }

  for (const channel of ['rt', 'appmessaging', 'AppleBusinessChat', 'applebusinesschat']) {
    it(`deliverychannel ${channel}: 7007`, async () => {
      refused(
        await webex(gw, { deliverychannel: channel, channels: {}, destination: [{ userid: ['4545'] }] }),
        '7007',
      );
    });
  }
});

const SEED = resolve(REPO_ROOT, '../shared/seeds/003_dd3e958a9a894ff5.txt');

describe.skipIf(!existsSync(SEED))('the fixtures are the seed, verbatim', () => {
  // Where each example starts and ends in the seed (1-based, inclusive).
  const LINES: Record<string, [number, number]> = {
    'sample-request': [34, 99],
    'sms-smartlink-e164': [100, 121],
    'message-template': [153, 153],
    'sms-smartlink': [179, 200],
    'sms-object-shape': [215, 220],
    'sms-object': [221, 224],
    'sms-object-smartlink': [225, 228],
    'voice-object-shape': [250, 254],
    'voice-prompt': [255, 257],
    'voice-callflow': [258, 261],
    'push-android-request': [317, 331],
    'push-android-extras': [358, 367],
    'push-ios-shape': [402, 410],
    'push-ios-extras': [431, 447],
    'push-web': [482, 494],
    'push-web-shape': [496, 516],
    'push-interactive-action-shape': [559, 564],
    'push-interactive-shape': [583, 617],
    'push-ios': [618, 623],
    'push-android': [624, 629],
    'push-android-ios': [630, 646],
    'push-deeplink': [647, 679],
    'push-interactive': [680, 716],
    'fb-text-quick-replies-tag': [720, 750],
    'fb-image': [806, 828],
    'fb-audio': [829, 851],
    'fb-video': [852, 874],
    'fb-file': [875, 897],
    'fb-generic-template': [915, 983],
    'fb-button-template': [991, 1031],
    'fb-receipt-template': [1077, 1150],
    'fb-airline-itinerary': [1209, 1371],
    'fb-airline-checkin': [1446, 1494],
    'fb-airline-boardingpass': [1531, 1667],
    'fb-airline-update': [1749, 1795],
    'fb-sender-action': [1819, 1837],
    'fb-quick-replies': [1850, 1918],
    'fb-quick-replies-images': [1919, 1985],
  };
  it('each fixture is its lines of seed 003', () => {
    const seed = readFileSync(SEED, 'utf8').split('\n');
    for (const [name, [from, to]] of Object.entries(LINES)) {
      expect(fixture(name), name).toBe(`${seed.slice(from - 1, to).join('\n')}\n`);
    }
  });
});
