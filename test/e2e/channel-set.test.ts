/**
 * A gateway runs the connectors it is started with (GatewayOptions.connectors): wherever the API
 * takes a `channel`, it is one of those, and the OpenAPI document lists exactly those. (The
 * Konnek and Infobip façades need LINE, Messenger, Telegram and WhatsApp, so those four stay.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../support/recipients.ts';

const RUN = {
  line: CONNECTORS.line!,
  messenger: CONNECTORS.messenger!,
  telegram: CONNECTORS.telegram!,
  whatsapp: CONNECTORS.whatsapp!,
};
const NAMES = Object.keys(RUN);
const text = { type: 'text', text: 'hi' };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { connectors: RUN, startWorkers: false });
});
afterAll(() => gw.close());

/** A 400 whose one error is at `pointer` and names the channels this gateway runs, not viber. */
function expectChannelRefused(res: Awaited<ReturnType<TestGateway['api']>>, pointer: string): void {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.json.errors).toEqual([expect.objectContaining({ pointer })]);
  expect(res.json.errors[0].detail).toContain('telegram');
  expect(res.json.errors[0].detail).not.toContain('viber');
}

describe('a gateway started without Instagram, Viber and WeChat', () => {
  it('sends on its channels and refuses any other at validation', async () => {
    expect((await gw.send('telegram', TELEGRAM_CHAT, text)).status).toBe(202);
    expect((await gw.send('line', LINE_USER, text)).status).toBe(202);
    expectChannelRefused(await gw.send('viber', 'someone', text), '/channel');
  });

  it('takes options only for its channels', async () => {
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: text,
      options: { instagram: {} },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/options/instagram' })]);
  });

  it('previews on its channels only', async () => {
    const all = await gw.api('POST', '/v1/messages/preview', { message: text });
    expect(all.status).toBe(200);
    expect(all.json.previews.map((p: { channel: string }) => p.channel).sort()).toEqual(NAMES);
    expectChannelRefused(
      await gw.api('POST', '/v1/messages/preview', { channel: 'wechat', message: text }),
      '/channel',
    );
  });

  it('keeps contacts, consent, templates and accounts to its channels', async () => {
    expectChannelRefused(
      await gw.api('POST', '/v1/contacts', { identities: [{ channel: 'viber', address: 'someone' }] }),
      '/identities/0/channel',
    );
    const contact = await gw.api('POST', '/v1/contacts', {
      identities: [{ channel: 'telegram', address: TELEGRAM_CHAT }],
    });
    expect(contact.status, JSON.stringify(contact.json)).toBe(201);
    expectChannelRefused(
      await gw.api('PUT', `/v1/contacts/${contact.json.id}/consent`, {
        channel: 'viber',
        purpose: 'marketing',
        status: 'opted_in',
      }),
      '/channel',
    );
    const template = await gw.api('POST', '/v1/templates', {
      name: 'greeting',
      parameters: [],
      variants: { viber: text },
    });
    expect(template.status).toBe(400);
    expect(template.json.errors).toEqual([expect.objectContaining({ pointer: '/variants/viber' })]);
    expectChannelRefused(
      await gw.api('POST', '/v1/channel-accounts', { channel: 'viber', name: 'v', credentials: {} }),
      '/channel',
    );
  });

  it('publishes its channels in the OpenAPI document', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const body = (path: string, method: string) =>
      doc.paths[path][method].requestBody.content['application/json'].schema.properties;
    expect(body('/v1/messages', 'post').channel.enum).toEqual(NAMES);
    const withOptions = NAMES.filter((n) => CONNECTORS[n]!.optionsSchema);
    expect(Object.keys(body('/v1/messages', 'post').options.properties)).toEqual(withOptions);
    expect(body('/v1/messages/preview', 'post').channel.enum).toEqual(NAMES);
    expect(body('/v1/channel-accounts', 'post').channel.enum).toEqual(NAMES);
    expect(Object.keys(body('/v1/templates', 'post').variants.properties)).toEqual(['default', ...NAMES]);
  });
});
