/**
 * The two JSON examples of Konnek's send-message document (seed 002). The sample request is not
 * valid JSON (it carries `//` comments): sent verbatim it is refused in Konnek's shape, and the same
 * bytes with the comment lines taken out are accepted on every channel, the provider request
 * carrying the sample's content field by field. The sample answer's shape is the façade's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import {
  accepted,
  CHANNELS,
  contactWithPhone,
  FIXTURES,
  fixture,
  type Json,
  konnek,
  providerRequest,
  refused,
} from './client.ts';

const SEED = new URL('../../../../shared/seeds/002_bc74afc40c48b77d.txt', import.meta.url);

const SAMPLE_REQUEST = fixture('sample-request.txt');
const SAMPLE_RESPONSE = fixture('sample-response.txt');
/** The sample without its comment lines: the only change that makes it JSON. */
const WITHOUT_COMMENTS = SAMPLE_REQUEST.split('\n')
  .filter((line) => !line.trimStart().startsWith('//'))
  .join('\n');
/** The document's `628xxxxxxxx` with digits for its placeholder x's: a number WhatsApp's sandbox takes. */
const PHONE = '62812345678';
const withRecipient = (text: string, recipient: string) =>
  text.replace('"628xxxxxxxx"', JSON.stringify(recipient));

describe.skipIf(!existsSync(SEED))('the fixtures', () => {
  it('are the seed document’s JSON examples, byte for byte, and all of them', () => {
    const seed = readFileSync(SEED, 'utf8');
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
    expect(files.sort()).toEqual(['sample-request.txt', 'sample-response.txt']);
    expect(seed.match(/^Sample JSON (Request|Response)$/gm)).toHaveLength(2);
    expect(seed).toContain(`Sample JSON Request\n${SAMPLE_REQUEST}\nResponse\n`);
    expect(seed.endsWith(`Sample JSON Response\n${SAMPLE_RESPONSE}`)).toBe(true);
  });
});

describe('the sample request without its comments', () => {
  it('differs from the document’s only by the comment lines, and is JSON', () => {
    expect(() => JSON.parse(SAMPLE_REQUEST)).toThrow();
    const removed = SAMPLE_REQUEST.split('\n').filter((line) => !WITHOUT_COMMENTS.split('\n').includes(line));
    expect(removed.length).toBeGreaterThan(0);
    for (const line of removed) expect(line.trimStart()).toMatch(/^\/\//);
    const sample = JSON.parse(WITHOUT_COMMENTS);
    expect(sample.type).toBe('text');
    expect(sample.timestampt).toBe('2023-11-10T12:38:08.153726382+07:00');
    expect(sample.timestamp).toBeUndefined();
  });
});

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

describe('the sample request', () => {
  it.each(Object.keys(CHANNELS))(
    'sent verbatim to %s is refused in Konnek’s shape: it is not JSON',
    async (channel) => {
      const errors = refused(
        await konnek(gw, channel, gw.accountId(CHANNELS[channel as keyof typeof CHANNELS]), SAMPLE_REQUEST),
        400,
      );
      expect(errors).toMatch(/not valid JSON/);
      expect(gw.requests(CHANNELS[channel as keyof typeof CHANNELS], PHONE)).toHaveLength(0);
    },
  );

  it('without its comments is accepted on WhatsApp and sends its text to the number, nothing else', async () => {
    const sample = JSON.parse(WITHOUT_COMMENTS);
    const res = await konnek(
      gw,
      'whatsapp',
      gw.accountId('whatsapp'),
      withRecipient(WITHOUT_COMMENTS, PHONE),
    );
    const data = accepted(res, sample.id);
    expect(data.status).toBe(0);

    const sent = await providerRequest(gw, 'whatsapp', PHONE);
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: PHONE,
      type: 'text',
      text: { body: sample.body.text, preview_url: false },
    });
    const message = (await gw.api('GET', `/v1/messages/${data.message_id}`)).json;
    expect(message.correlationId).toBe(sample.id);
  });

  it.each([
    ['telegram', 'telegram', '700001'],
    ['line', 'line', `U${'a1'.repeat(16)}`],
    ['facebook', 'messenger', '1254400000000701'],
  ])(
    'without its comments is accepted on %s, reaching the contact who has the phone number',
    async (konnekChannel, channel, address) => {
      const phone = `6281234500${address.length}`;
      await contactWithPhone(gw, `+${phone}`, { [channel]: address });
      // The sample's own id went to WhatsApp above; a second message needs its own.
      const body = withRecipient(WITHOUT_COMMENTS, phone).replace(
        '3c0b1912-xxxx',
        `3c0b1912-${konnekChannel}`,
      );
      const sample = JSON.parse(body);
      accepted(await konnek(gw, konnekChannel, gw.accountId(channel), body), sample.id);

      const sent: Json = (await providerRequest(gw, channel, address)).body;
      if (channel === 'telegram') expect(sent).toEqual({ chat_id: Number(address), text: sample.body.text });
      if (channel === 'line') {
        expect(sent).toEqual({ to: address, messages: [{ type: 'text', text: sample.body.text }] });
      }
      if (channel === 'messenger') {
        expect(sent).toEqual({
          recipient: { id: address },
          messaging_type: 'RESPONSE',
          message: { text: sample.body.text },
        });
      }
    },
  );
});

describe('the sample response', () => {
  it('has the shape of the façade’s answer: the same fields, of the same types', async () => {
    const shape = (value: Json): Json =>
      value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
        : value === null
          ? 'null'
          : typeof value;
    const sample = JSON.parse(SAMPLE_RESPONSE);
    const res = await konnek(gw, 'whatsapp', gw.accountId('whatsapp'), {
      id: 'response-shape-1',
      times: 0,
      timestamp: '2023-11-10T12:38:08+07:00',
      recipient: '62812345670',
      type: 'text',
      body: { text: 'hello' },
    });
    expect(shape(res.json())).toEqual(shape(sample));
    expect(res.json().meta).toEqual(sample.meta);
    expect(res.json().data.status).toBe(sample.data.status);
  });
});
