/**
 * What the Konnek façade refuses, each in Konnek's shape (`meta.status: false`, the HTTP status as
 * `meta.code`, `errors` naming the fields, `data: null`): credentials, the clientID, the table's
 * mandatory fields, malformed bodies; and what it takes: its own credentials, retries by `id`,
 * nulls, recipients by phone number. Its routes leave every other root path alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SANDBOX_CREDENTIALS } from '../../../src/channels/telegram/options.ts';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../../support/gateway.ts';
import {
  API_KEY_CREDENTIALS,
  accepted,
  contactWithPhone,
  konnek,
  providerRequest,
  refused,
  request,
} from './client.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

const text = (recipient: string, fields: Record<string, unknown> = {}) =>
  request(recipient, { type: 'text', body: { text: 'hello' }, ...fields });
const whatsapp = (body: string | object, headers?: Record<string, string>) =>
  konnek(gw, 'whatsapp', gw.accountId('whatsapp'), body, headers);

describe('credentials', () => {
  it.each([
    ['none', {}],
    ['a wrong password', { 'auth-username': 'konnek-client', 'auth-password': 'not-the-key' }],
    ['the API key without a user name', { 'auth-password': TEST_API_KEY }],
    ['the user name alone', { 'auth-username': 'konnek-client' }],
  ])('%s: 401 in Konnek’s shape, nothing sent', async (_what, headers) => {
    const res = await whatsapp(text('628150000001'), headers as Record<string, string>);
    expect(refused(res, 401)).toBe('invalid Auth-username / Auth-password');
    expect(res.json().meta.message).toBe('Unauthorized');
    expect(gw.requests('whatsapp', '628150000001')).toHaveLength(0);
  });

  it('before the body is looked at: a malformed body without credentials is a 401', async () => {
    refused(await whatsapp('{not json', {}), 401);
  });

  it('a konnek credential registered for the tenant is taken, with its own user name only', async () => {
    const created = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'konnek',
      username: 'acme-konnek',
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const own = { 'auth-username': 'acme-konnek', 'auth-password': created.json.secret };
    accepted(await whatsapp(text('628150000002'), own));
    refused(await whatsapp(text('628150000003'), { ...own, 'auth-username': 'someone-else' }), 401);
  });

  it('a credential registered for another vendor is not a Konnek one', async () => {
    const infobip = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'infobip',
      username: 'acme-infobip',
    });
    const res = await whatsapp(text('628150000004'), {
      'auth-username': 'acme-infobip',
      'auth-password': infobip.json.secret,
    });
    refused(res, 401);
  });
});

describe('clientID', () => {
  it('unknown: 404 naming clientID', async () => {
    const errors = refused(await konnek(gw, 'whatsapp', 'acme-wa', text('628150000005')), 404);
    expect(errors).toMatch(/^clientID: no whatsapp channel account has the id or name 'acme-wa'/);
  });

  it('an account of another channel is not one of this channel', async () => {
    refused(await konnek(gw, 'whatsapp', gw.accountId('telegram'), text('628150000006')), 404);
    refused(await konnek(gw, 'facebook', gw.accountId('whatsapp'), text('1254473000000001')), 404);
  });

  it('a name: the account registered under it; two of that name are ambiguous', async () => {
    const add = async () => {
      const res = await gw.api('POST', '/v1/channel-accounts', {
        channel: 'telegram',
        name: 'acme-bot',
        credentials: TELEGRAM_SANDBOX_CREDENTIALS,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res.json.id as string;
    };
    const first = await add();
    const data = accepted(await konnek(gw, 'telegram', 'acme-bot', text('730001')));
    expect((await gw.api('GET', `/v1/messages/${data.message_id}`)).json.from).toBe(first);
    const second = await add();
    const errors = refused(await konnek(gw, 'telegram', 'acme-bot', text('730002')), 404);
    expect(errors).toContain(first);
    expect(errors).toContain(second);
  });
});

describe('id', () => {
  it('a retry with the same id is answered with the same message, sent once', async () => {
    const body = text('628150000010');
    const first = accepted(await whatsapp(body), body.id as string);
    const again = accepted(await whatsapp({ ...body, times: 1_699_594_999 }), body.id as string);
    expect(again.message_id).toBe(first.message_id);
    await providerRequest(gw, 'whatsapp', '628150000010');
    await gw.waitForStatus(first.message_id, ['read']);
    expect(gw.requests('whatsapp', '628150000010')).toHaveLength(1);
  });

  it('the same id for another message: 422 naming id', async () => {
    const body = text('628150000011');
    accepted(await whatsapp(body));
    const other = { ...body, body: { text: 'something else' } };
    expect(refused(await whatsapp(other), 422)).toMatch(/^id: was already used for another message/);
    const elsewhere = await konnek(gw, 'telegram', gw.accountId('telegram'), {
      ...body,
      recipient: '730010',
    });
    expect(refused(elsewhere, 422)).toMatch(/^id: /);
  });
});

describe('the table’s mandatory fields', () => {
  it('id, times, recipient and type, each named', async () => {
    const res = await whatsapp({ timestamp: '2023-11-10T12:38:08+07:00', body: { text: 'x' } });
    expect(refused(res, 400).split('; ').sort()).toEqual(
      ['id: is required', 'recipient: is required', 'times: is required', 'type: is required'].sort(),
    );
  });

  it('timestamp, or the sample’s timestampt', async () => {
    const { timestamp: _t, ...without } = text('628150000020');
    expect(refused(await whatsapp(without), 400)).toBe(
      'timestamp: is required (the date and time of sending)',
    );
    accepted(await whatsapp({ ...without, timestampt: '2023-11-10T12:38:08.153726382+07:00' }));
  });

  it('timestamp and timestampt as a date and time', async () => {
    expect(refused(await whatsapp(text('628150000021', { timestamp: 'yesterday' })), 400)).toMatch(
      /^timestamp: must be a date and time/,
    );
    const { timestamp: _t, ...without } = text('628150000022');
    expect(refused(await whatsapp({ ...without, timestampt: '10/11/2023' }), 400)).toMatch(/^timestampt: /);
  });

  it('the JSON types of the table', async () => {
    const res = await whatsapp({
      ...text('628150000023'),
      times: '1699594688',
      recipient: 628150000023,
      body: { text: 5, location: { latitude: '1' } },
    });
    expect(refused(res, 400).split('; ').sort()).toEqual(
      [
        'body.location.latitude: must be number',
        'body.text: must be string',
        'recipient: must be string',
        'times: must be integer',
      ].sort(),
    );
  });

  it('a type outside the table', async () => {
    const errors = refused(await whatsapp(text('628150000024', { type: 'document' })), 400);
    expect(errors).toBe('type: must be one of: text, image, video, audio, button, list, location');
  });

  it('body.text for type text', async () => {
    expect(refused(await whatsapp(text('628150000025', { body: { text: '' } })), 400)).toBe(
      'body.text: is required for type text',
    );
  });

  it('buttons as an array of objects', async () => {
    const res = await whatsapp(text('628150000026', { type: 'button', body: { text: 'x', button: 'yes' } }));
    expect(refused(res, 400)).toBe('body.button: must be an array of buttons {key, title}');
    const items = await whatsapp(
      text('628150000027', { type: 'button', body: { text: 'x', button: [{ key: 1 }] } }),
    );
    expect(refused(items, 400)).toBe('body.button[0].key: must be string');
  });
});

describe('malformed requests', () => {
  it('a body that is not JSON: 400', async () => {
    expect(refused(await whatsapp('{"id": "1",'), 400)).toMatch(/not valid JSON/);
  });

  it('a body that is not sent as JSON: 415', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: `/whatsapp/send/${gw.accountId('whatsapp')}`,
      headers: { 'content-type': 'text/plain', ...API_KEY_CREDENTIALS },
      payload: JSON.stringify(text('628150000030')),
    });
    expect(refused(res, 415)).toMatch(/Content-Type: application\/json/);
  });

  it('a body over the size limit: 413', async () => {
    const res = await whatsapp(text('628150000031', { body: { text: 'x'.repeat(1_100_000) } }));
    expect(refused(res, 413)).toMatch(/size limit/);
  });

  it('the NUL character in a field: 400 naming it, nothing sent', async () => {
    const res = await whatsapp(text('628150000033', { body: { text: 'a\u0000b' } }));
    expect(refused(res, 400)).toMatch(/^body\.text: must not contain the NUL character/);
    expect(gw.requests('whatsapp', '628150000033')).toHaveLength(0);
  });

  it('a text over the channel’s limit: 422 naming body.text', async () => {
    const res = await whatsapp(text('628150000032', { body: { text: 'x'.repeat(5000) } }));
    expect(refused(res, 422)).toMatch(/^body\.text: /);
  });
});

describe('null', () => {
  it('is a field not given, as a Go client sends nil slices and pointers', async () => {
    const res = await whatsapp(
      text('628150000040', {
        reply_id: null,
        reply_token: null,
        body: { text: 'with nulls', media: null, location: null, button: null, list: null },
        header: null,
        footer: null,
      }),
    );
    accepted(res);
    expect((await providerRequest(gw, 'whatsapp', '628150000040')).body).toMatchObject({
      type: 'text',
      text: { body: 'with nulls' },
    });
  });

  it('is still missing where the field is mandatory', async () => {
    expect(refused(await whatsapp(text('628150000041', { recipient: null })), 400)).toBe(
      'recipient: is required',
    );
  });
});

describe('recipient', () => {
  it('on whatsapp is the number; a leading + is dropped', async () => {
    accepted(await whatsapp(text('+628150000050')));
    expect((await providerRequest(gw, 'whatsapp', '628150000050')).body).toMatchObject({
      to: '628150000050',
    });
  });

  it('on whatsapp that is not a number: 400 naming recipient', async () => {
    expect(refused(await whatsapp(text('not-a-number')), 400)).toMatch(/^recipient: /);
  });

  it('on line, a number no contact has: 400 naming recipient', async () => {
    const res = await konnek(gw, 'line', gw.accountId('line'), text('628150000051'));
    expect(refused(res, 400)).toMatch(/^recipient: no contact has the phone number \+628150000051/);
  });

  it('on line, a contact with the number but no LINE identity: 422 naming recipient', async () => {
    await contactWithPhone(gw, '+628150000052', { telegram: '730052' });
    const res = await konnek(gw, 'line', gw.accountId('line'), text('628150000052'));
    expect(refused(res, 422)).toMatch(/^recipient: contact .* has no line identity/);
  });

  it('on telegram, the contact with the number comes before a chat id of the same digits', async () => {
    await contactWithPhone(gw, '+628150000053', { telegram: '730053' });
    accepted(await konnek(gw, 'telegram', gw.accountId('telegram'), text('628150000053')));
    expect((await providerRequest(gw, 'telegram', '730053')).body).toMatchObject({ chat_id: 730053 });
    expect(gw.requests('telegram', '628150000053')).toHaveLength(0);
  });

  it('in a conversation an agent owns: 409 naming recipient, nothing sent', async () => {
    const contactId = await contactWithPhone(gw, '+628150000054', { telegram: '730054' });
    const opened = await gw.api('POST', '/v1/conversations', {
      contactId,
      channelAccountId: gw.accountId('telegram'),
    });
    expect(opened.status, JSON.stringify(opened.json)).toBeLessThan(300);
    await gw.api('POST', `/v1/conversations/${opened.json.id}/assign`, { owner: 'agent', agentId: 'alice' });
    const res = await konnek(gw, 'telegram', gw.accountId('telegram'), text('628150000054'));
    expect(refused(res, 409)).toMatch(/^recipient: conversation .* is handled by an agent/);
    expect(gw.requests('telegram', '730054')).toHaveLength(0);
  });
});

describe('the routes', () => {
  it('leave every other root path to its owner', async () => {
    expect((await gw.api('GET', '/v1/messages?limit=1')).status).toBe(200);
    const infobip = await gw.app.inject({ method: 'POST', url: '/line/1/single', payload: {} });
    expect(infobip.statusCode).toBe(401);
    expect(infobip.json().requestError).toBeDefined();
    for (const url of ['/instagram/send/x', '/sms/send/x', '/v1/send/x', '/sandbox/send/x']) {
      const res = await gw.app.inject({ method: 'POST', url, headers: API_KEY_CREDENTIALS, payload: {} });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().meta, url).toBeUndefined();
    }
  });

  it('are published in the OpenAPI document under the konnek tag', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const channel of ['whatsapp', 'telegram', 'line', 'facebook']) {
      expect(doc.paths[`/${channel}/send/{clientID}`].post.tags).toEqual(['konnek']);
      expect(doc.paths[`/${channel}/status/{clientID}/{messageId}`].get.tags).toEqual(['konnek']);
    }
  });
});
