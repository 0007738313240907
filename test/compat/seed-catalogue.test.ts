/**
 * Every example request of the seed documents (../shared/seeds), read from the seed itself and
 * sent through its façade's public endpoint as written: only the base URL, the credentials and the
 * document's own `<placeholders>` (an app id, a PSID, media URLs) are filled in. Each gets the
 * answer its vendor documents, and each that sends puts a request on the right channel that the
 * channel's emulator (which validates against the provider's specification) accepts.
 *
 * Each example is listed with its seed file and lines. A scan of each seed fails the suite when the
 * document holds an example the list does not have, so a new one cannot be missed. The per-vendor
 * suites (test/compat/<vendor>/seed-examples.test.ts) check the content field by field; this one
 * is the catalogue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { REPO_ROOT } from '../../src/sandbox/specs.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, lineUser } from '../support/recipients.ts';
import { push, withContact } from './firstline/client.ts';
import { parseHttpExample, sendExample, setUpExampleWorld } from './infobip/examples.ts';
import { konnek } from './konnek/client.ts';
import { APP, fill, psid, useApps, webex } from './webex/helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers and provider bodies are read freely.
type Json = any;

const SEEDS = resolve(REPO_ROOT, '../shared/seeds');
const seed = (file: string) => readFileSync(resolve(SEEDS, file), 'utf8');
const lines = (file: string, [from, to]: readonly [number, number]) =>
  seed(file)
    .split('\n')
    .slice(from - 1, to)
    .join('\n');

let gw: TestGateway;
let n = 0;
/** A fresh recipient per example, so that each one's provider request is its own. */
const nextPsid = () => psid(90_000 + ++n);

/** The requests the emulator took for `to` (2xx), once the dispatcher sent one. */
async function accepted(channel: string, to: string): Promise<Json> {
  const until = Date.now() + 10_000;
  for (;;) {
    const seen = gw.requests(channel, to);
    if (seen.length > 0) {
      expect(
        seen.map((r) => r.status),
        JSON.stringify(seen.map((r) => r.response)),
      ).toEqual(seen.map(() => 200));
      return seen[0]?.body;
    }
    if (Date.now() > until) throw new Error(`nothing reached the ${channel} emulator for ${to}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const webexCode = (res: LightMyRequestResponse) => {
  expect(res.statusCode, res.body).toBe(200);
  const r = res.json().response;
  return Array.isArray(r) ? r.map((e: Json) => e.code).join(',') : r.code;
};

// ----- FIRST LINE (seeds 000, 001) ------------------------------------------------------------

const FL_EN = '000_f8fd5a421d9ffa38.txt';
const FL_ZH = '001_ad2b9255870f6ddc.txt';
/** The Chinese original's ```json blocks; the English seed has the tables and the `{}` answer only. */
const FIRST_LINE: Array<{ name: string; lines: [number, number]; json: boolean }> = [
  { name: 'text', lines: [38, 41], json: true },
  { name: 'button', lines: [56, 78], json: true },
  { name: 'quickreply', lines: [92, 115], json: true },
  { name: 'carousel', lines: [125, 159], json: false },
  { name: 'image_carousel', lines: [167, 194], json: true },
];
/** The carousel's two mistakes (a comma after the last column, `message` left open) mended. */
const mendCarousel = (t: string) => t.replace(/\},\n(\s*)\]\n\}\n?$/, '}\n$1]\n  }\n}\n');

async function firstLine(text: string, channel: 'line' | 'messenger') {
  const to = channel === 'line' ? LINE_USER : nextPsid();
  const type = channel === 'line' ? 'App\\LineContact' : 'App\\FbContact';
  const before = gw.requests(channel, to).length;
  const res = await push(gw, withContact(text, type, to));
  return { res, to, before };
}

// ----- Konnek (seed 002) ----------------------------------------------------------------------

const KONNEK = '002_bc74afc40c48b77d.txt';
const KONNEK_REQUEST: [number, number] = [47, 119];
const KONNEK_RESPONSE: [number, number] = [135, 147];

// ----- Webex Connect (seed 003) ---------------------------------------------------------------

const WEBEX = '003_dd3e958a9a894ff5.txt';
type WebexOutcome =
  | 'queued'
  | 'queued, then failed by the gateway'
  | '7000 Invalid JSON'
  | '7003 Mandatory parameters missing'
  | '7007 Service inactive';
/**
 * Whole requests, and the channel objects the document shows alone (sent in a request of their
 * channel). `json: false`: the document's text is not JSON (comments, prose, missing braces).
 */
const WEBEX_EXAMPLES: Array<{
  name: string;
  lines: [number, number];
  outcome: WebexOutcome;
  wrap?: (block: string) => string;
}> = [];
const sms = (b: string) =>
  `{"deliverychannel":"sms","channels":{"sms":${b}},"destination":[{"msisdn":["+447700900123"]}]}`;
const voice = (b: string) =>
  `{"deliverychannel":"voice","channels":{"voice":${b}},"destination":[{"msisdn":["+447700900123"]}]}`;
const pushOf = (b: string) =>
  `{"deliverychannel":"push","appid":"web-app","channels":{"push":${b}},"destination":[{"userid":["4545"]}]}`;
const extras = (platform: string) => (b: string) => pushOf(`{"${platform}":{"text":"Hello","extras":${b}}}`);
const templateBlock = (b: string) =>
  `{"deliverychannel":"fb","appid":"${APP.fb}","destination":[{"psid":["<psid>"]}],${b.trim().slice(1, -1)}}`;
WEBEX_EXAMPLES.push(
  { name: 'sample-request', lines: [34, 99], outcome: '7000 Invalid JSON' },
  { name: 'sms-smartlink-e164', lines: [100, 121], outcome: '7000 Invalid JSON' },
  { name: 'message-template', lines: [153, 153], outcome: 'queued', wrap: templateBlock },
  { name: 'sms-smartlink', lines: [179, 200], outcome: '7000 Invalid JSON' },
  { name: 'sms-object-shape', lines: [215, 220], outcome: '7007 Service inactive', wrap: sms },
  { name: 'sms-object', lines: [221, 224], outcome: '7007 Service inactive', wrap: sms },
  { name: 'sms-object-smartlink', lines: [225, 228], outcome: '7007 Service inactive', wrap: sms },
  { name: 'voice-object-shape', lines: [250, 254], outcome: '7007 Service inactive', wrap: voice },
  { name: 'voice-prompt', lines: [255, 257], outcome: '7000 Invalid JSON', wrap: voice },
  { name: 'voice-callflow', lines: [258, 261], outcome: '7000 Invalid JSON', wrap: voice },
  { name: 'push-android-request', lines: [317, 331], outcome: '7000 Invalid JSON' },
  {
    name: 'push-android-extras',
    lines: [358, 367],
    outcome: '7007 Service inactive',
    wrap: extras('android'),
  },
  { name: 'push-ios-shape', lines: [402, 410], outcome: '7000 Invalid JSON', wrap: pushOf },
  { name: 'push-ios-extras', lines: [431, 447], outcome: '7007 Service inactive', wrap: extras('ios') },
  { name: 'push-web', lines: [482, 494], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'push-web-shape', lines: [496, 516], outcome: '7000 Invalid JSON', wrap: pushOf },
  {
    name: 'push-interactive-action-shape',
    lines: [559, 564],
    outcome: '7000 Invalid JSON',
    wrap: (t) => pushOf(`{"interactive":{"actions":[${t}]}}`),
  },
  { name: 'push-interactive-shape', lines: [583, 617], outcome: '7000 Invalid JSON', wrap: pushOf },
  { name: 'push-ios', lines: [618, 623], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'push-android', lines: [624, 629], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'push-android-ios', lines: [630, 646], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'push-deeplink', lines: [647, 679], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'push-interactive', lines: [680, 716], outcome: '7007 Service inactive', wrap: pushOf },
  { name: 'fb-text-quick-replies-tag', lines: [720, 750], outcome: '7000 Invalid JSON' },
  { name: 'fb-image', lines: [806, 828], outcome: 'queued' },
  { name: 'fb-audio', lines: [829, 851], outcome: 'queued' },
  { name: 'fb-video', lines: [852, 874], outcome: 'queued' },
  { name: 'fb-file', lines: [875, 897], outcome: 'queued' },
  { name: 'fb-generic-template', lines: [915, 983], outcome: 'queued' },
  { name: 'fb-button-template', lines: [991, 1031], outcome: '7003 Mandatory parameters missing' },
  { name: 'fb-receipt-template', lines: [1077, 1150], outcome: '7000 Invalid JSON' },
  { name: 'fb-airline-itinerary', lines: [1209, 1371], outcome: 'queued, then failed by the gateway' },
  { name: 'fb-airline-checkin', lines: [1446, 1494], outcome: 'queued, then failed by the gateway' },
  { name: 'fb-airline-boardingpass', lines: [1531, 1667], outcome: 'queued, then failed by the gateway' },
  { name: 'fb-airline-update', lines: [1749, 1795], outcome: 'queued, then failed by the gateway' },
  { name: 'fb-sender-action', lines: [1819, 1837], outcome: 'queued' },
  { name: 'fb-quick-replies', lines: [1850, 1918], outcome: 'queued' },
  { name: 'fb-quick-replies-images', lines: [1919, 1985], outcome: 'queued' },
);

/** The placeholders of the document's fb examples, filled for recipient `to`. */
const fbValues = (to: string) => ({
  appid: APP.fb,
  'app-id': APP.fb,
  psid: to,
  'image-url': 'https://cdn.example.com/webex/photo.png',
  'audio-url': 'https://cdn.example.com/webex/voice.mp3',
  'video-url': 'https://cdn.example.com/webex/clip.mp4',
  'file-url': 'https://cdn.example.com/webex/terms.pdf',
  'Template ID': 'webex-welcome',
});

// ----- Infobip LINE (seed 004) ----------------------------------------------------------------

const INFOBIP = '004_3b59725b402af41d.txt';
const infobipExamples = () =>
  [...seed(INFOBIP).matchAll(/\[block:code\]([\s\S]*?)\[\/block\]/g)].flatMap((m) =>
    (JSON.parse(m[1] as string).codes as Array<{ code: string }>).map((c) => c.code),
  );
/** Where each example is in the seed (all on line 133, the page's one documentation line). */
const INFOBIP_LINE = 133;

// ----------------------------------------------------------------------------------------------

describe.skipIf(!existsSync(SEEDS))('every example request of the seeds', () => {
  beforeAll(async () => {
    gw = await startTestGateway();
    await useApps(gw);
  });
  afterAll(async () => gw?.close());

  describe('the list is complete', () => {
    it(`${FL_EN}: no request example, and its answer is \`{}\` (line 11)`, () => {
      // `{API_HOST}` is the URL's placeholder; a JSON object opens with `}` or a quoted name.
      const blocks = seed(FL_EN).match(/\{(\}|\s*")/g) ?? [];
      expect(blocks).toEqual(['{}']);
      expect(lines(FL_EN, [11, 11])).toMatch(/^\{\}/);
    });
    it(`${FL_ZH}: the five \`\`\`json blocks`, () => {
      const blocks = [...seed(FL_ZH).matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]);
      expect(blocks).toEqual(FIRST_LINE.map((e) => lines(FL_ZH, e.lines)));
    });
    it(`${KONNEK}: one sample request, one sample response`, () => {
      expect(seed(KONNEK).match(/^Sample JSON (Request|Response)$/gm)).toEqual([
        'Sample JSON Request',
        'Sample JSON Response',
      ]);
      expect(lines(KONNEK, [KONNEK_REQUEST[0] - 1, KONNEK_REQUEST[0] - 1])).toBe('Sample JSON Request');
      expect(lines(KONNEK, [KONNEK_REQUEST[1] + 1, KONNEK_REQUEST[1] + 1])).toBe('Response');
      expect(lines(KONNEK, [KONNEK_RESPONSE[0] - 1, KONNEK_RESPONSE[0] - 1])).toBe('Sample JSON Response');
    });
    it(`${WEBEX}: every block that opens a line, and every line naming a deliverychannel, is listed`, () => {
      const all = seed(WEBEX).split('\n');
      const listed = (i: number) => WEBEX_EXAMPLES.some((e) => i >= e.lines[0] && i <= e.lines[1]);
      const missed = all
        .map((line, i) => [i + 1, line] as const)
        .filter(([, line]) => /^\s*\{\s*(\/\/.*)?$/.test(line) || /"deliverychannel"/.test(line))
        .filter(([i]) => !listed(i));
      expect(missed).toEqual([]);
      for (const e of WEBEX_EXAMPLES) expect(all[e.lines[0] - 1], e.name).toMatch(/\{/);
    });
    it(`${INFOBIP}: the ten [block:code] requests`, () => {
      expect(infobipExamples()).toHaveLength(10);
    });
  });

  describe(`FIRST LINE (${FL_ZH}), answered 200 {} as ${FL_EN} line 11 documents`, () => {
    for (const e of FIRST_LINE) {
      for (const channel of ['line', 'messenger'] as const) {
        it(`${e.name} (lines ${e.lines.join('-')}) to a ${channel} contact`, async () => {
          const text = lines(FL_ZH, e.lines);
          if (!e.json) {
            // Not JSON as printed: refused in FIRST LINE's shape, nothing sent; mended, it goes.
            const { res, to, before } = await firstLine(text, channel);
            expect(res.status).toBe(422);
            expect(res.json.message).toBe('The request body is not valid JSON.');
            expect(gw.requests(channel, to)).toHaveLength(before);
          }
          const { res, to } = await firstLine(e.json ? text : mendCarousel(text), channel);
          expect(res.status, JSON.stringify(res.json)).toBe(200);
          expect(res.json).toEqual({});
          await accepted(channel, to);
        });
      }
    }
  });

  describe(`Konnek (${KONNEK})`, () => {
    it(`the sample request (lines ${KONNEK_REQUEST.join('-')}) is not JSON (// comments): 400 in Konnek's shape; without them it is answered as the sample response (lines ${KONNEK_RESPONSE.join('-')}) and reaches WhatsApp`, async () => {
      const text = lines(KONNEK, KONNEK_REQUEST).replace('"628xxxxxxxx"', '"62812345699"');
      const verbatim = await konnek(gw, 'whatsapp', gw.accountId('whatsapp'), text);
      expect(verbatim.statusCode).toBe(400);
      expect(verbatim.json().meta).toMatchObject({ status: false, code: 400 });
      expect(gw.requests('whatsapp', '62812345699')).toHaveLength(0);

      const mended = text
        .split('\n')
        .filter((l) => !l.trimStart().startsWith('//'))
        .join('\n');
      const res = await konnek(gw, 'whatsapp', gw.accountId('whatsapp'), mended);
      const sample = JSON.parse(lines(KONNEK, KONNEK_RESPONSE));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().meta).toEqual(sample.meta);
      expect(Object.keys(res.json().data).sort()).toEqual(Object.keys(sample.data).sort());
      expect(res.json().data.status).toBe(sample.data.status);
      await accepted('whatsapp', '62812345699');
    });
  });

  describe(`Webex Connect (${WEBEX}), each answered in its documented code`, () => {
    beforeAll(async () => {
      const made = await gw.api('POST', '/v1/templates', {
        name: 'webex-welcome',
        parameters: [{ name: 'parameter1' }, { name: 'parameter2' }, { name: 'parameter3' }],
        variants: { default: { type: 'text', text: 'Hi {{parameter1}}, {{parameter2}} / {{parameter3}}' } },
      });
      expect(made.status).toBe(201);
    });
    for (const e of WEBEX_EXAMPLES) {
      it(`${e.name} (lines ${e.lines.join('-')}): ${e.outcome}`, async () => {
        const to = nextPsid();
        const text = fill((e.wrap ?? ((t: string) => t))(lines(WEBEX, e.lines)), fbValues(to));
        const res = await webex(gw, text);
        const code = webexCode(res);
        switch (e.outcome) {
          case 'queued': {
            expect(code).toBe('1001');
            await accepted('messenger', to);
            return;
          }
          case 'queued, then failed by the gateway': {
            expect(code).toBe('1001');
            const transid = res.json().response[0].transid;
            const failed = await gw.waitForStatus(transid, ['failed', 'sent']);
            expect(failed.status).toBe('failed');
            expect(gw.requests('messenger', to)).toEqual([]);
            return;
          }
          default:
            expect(code).toBe(e.outcome.slice(0, 4));
            expect(gw.requests('messenger', to)).toEqual([]);
        }
      });
    }
  });

  describe(`Infobip LINE (${INFOBIP} line ${INFOBIP_LINE}), answered 200 with a PENDING status`, () => {
    let world: Awaited<ReturnType<typeof setUpExampleWorld>>;
    beforeAll(async () => {
      world = await setUpExampleWorld(gw, lineUser(8), CONNECTORS.line!.sandboxCredentials);
    });
    const names = [
      'text',
      'image',
      'video',
      'audio',
      'location',
      'sticker',
      'imagemap',
      'buttons',
      'confirm',
      'carousel',
    ];
    for (const [i, name] of names.entries()) {
      it(`${name} (line ${INFOBIP_LINE}, [block:code] ${i + 1})`, async () => {
        const ex = parseHttpExample(infobipExamples()[i] as string);
        let body = ex.body;
        if (name === 'video') {
          // A comma after the last field: not JSON as printed, refused in Infobip's shape.
          const refused = await sendExample(gw, ex);
          expect(refused.statusCode).toBe(400);
          expect(refused.json().requestError.serviceException.messageId).toBe('BAD_REQUEST');
          body = body.replace(
            '"https://example.com/preview.jpg",\n }',
            '"https://example.com/preview.jpg"\n }',
          );
        }
        const before = gw.requests('line', lineUser(8)).length;
        const res = await sendExample(gw, ex, { body });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().messages[0]).toMatchObject({ to: world.to, status: { groupName: 'PENDING' } });
        await gw.waitForStatus(res.json().messages[0].messageId, ['sent', 'delivered', 'read']);
        const seen = gw.requests('line', lineUser(8)).slice(before);
        expect(seen.map((r) => r.status)).toEqual([200]);
      });
    }
  });
});
