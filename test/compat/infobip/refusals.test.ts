/**
 * What the Infobip LINE façade refuses, and how: 401 without valid HTTP Basic credentials, 400 for
 * every malformed field (named the way Infobip names fields, in `validationErrors`), for a `from`
 * or `to` that names nobody, and for what Omnigate cannot reach (phone numbers). Every refusal is
 * in Infobip's error shape and sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src/channels/registry.ts';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../../support/gateway.ts';
import { lineUser } from '../../support/recipients.ts';
import { example, exampleCredentials, sendExample, setUpExampleWorld, withMessage } from './examples.ts';

const PERSON = lineUser(5);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let gw: TestGateway;
let world: Awaited<ReturnType<typeof setUpExampleWorld>>;
beforeAll(async () => {
  gw = await startTestGateway();
  world = await setUpExampleWorld(gw, PERSON, CONNECTORS.line!.sandboxCredentials);
});
afterAll(async () => gw?.close());

const text = example('text');

/** Sends a body with the examples' credentials; expects 400 and returns `validationErrors`. */
async function refusedFields(body: string): Promise<Record<string, string[]>> {
  const before = gw.requests('line').length;
  const res = await sendExample(gw, text, { body });
  expect(res.statusCode, res.body).toBe(400);
  const exception = res.json().requestError.serviceException;
  expect(exception).toMatchObject({ messageId: 'BAD_REQUEST', text: 'Bad request' });
  expect(gw.requests('line')).toHaveLength(before);
  return exception.validationErrors;
}

const message = (m: unknown) => withMessage(m);
const template = (t: unknown) => message({ type: 'TEMPLATE', altText: 'Alt', template: t });
const postback = (label = 'Yes', data = 'yes') => ({ type: 'POSTBACK', label, data });

describe('credentials', () => {
  const unauthorized = {
    requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } },
  };
  const { user, password } = exampleCredentials();

  for (const [what, authorization] of [
    ['no Authorization header', undefined],
    ['a wrong password', basic(user, `${password}!`)],
    ['another user name for a registered password', basic(`${user}x`, password)],
    ['a bearer token instead of Basic', `Bearer ${TEST_API_KEY}`],
    ['Basic without a colon', `Basic ${Buffer.from(user).toString('base64')}`],
    ['an empty password', basic(user, '')],
  ] as const) {
    it(`answers 401 in Infobip shape to ${what}, before reading the body`, async () => {
      const res = await sendExample(gw, text, {
        headers: { authorization },
        // A malformed body too: credentials are checked first.
        body: '{ not json',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(unauthorized);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    });
  }

  it('takes the tenant API key as the password, whatever the user name', async () => {
    const res = await sendExample(gw, text, { headers: { authorization: basic('anyone', TEST_API_KEY) } });
    expect(res.statusCode, res.body).toBe(200);
    await gw.waitForStatus(res.json().messages[0].messageId, ['sent']);
  });
});

describe('from and to', () => {
  it('names `from` when no LINE channel account has that id or name', async () => {
    const errors = await refusedFields(withMessage({ type: 'TEXT', text: 'hi' }, 'NO-SUCH-APPLICATION-KEY'));
    expect(Object.keys(errors)).toEqual(['from']);
    expect(errors.from![0]).toMatch(/NO-SUCH-APPLICATION-KEY/);
  });

  it('takes a channel account id as `from`', async () => {
    const res = await sendExample(gw, text, {
      body: withMessage({ type: 'TEXT', text: 'by id' }, gw.accountId('line'), PERSON),
    });
    expect(res.statusCode, res.body).toBe(200);
    const view = await gw.waitForStatus(res.json().messages[0].messageId, ['sent']);
    expect(view.from).toBe(gw.accountId('line'));
  });

  it('sends to a LINE user id given as `to` directly', async () => {
    const other = lineUser(6);
    const res = await sendExample(gw, text, {
      body: withMessage({ type: 'TEXT', text: 'direct' }, undefined, other),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().messages[0].to).toBe(other);
    await gw.waitForStatus(res.json().messages[0].messageId, ['sent']);
    expect(gw.requests('line', other).map((r) => r.body)).toEqual([
      { to: other, messages: [{ type: 'text', text: 'direct' }] },
    ]);
  });

  it('names `to` for an unknown user key', async () => {
    const unknown = await refusedFields(withMessage({ type: 'TEXT', text: 'x' }, undefined, 'bbbbbbbb-0000'));
    expect(Object.keys(unknown)).toEqual(['to']);
    expect(unknown.to![0]).toMatch(/no contact has the user key 'bbbbbbbb-0000'/);
  });

  it('names `to` when the contact behind the user key has no LINE identity', async () => {
    const contact = await gw.api('POST', '/v1/contacts', {
      identities: [{ channel: 'infobip', address: 'key-without-line' }],
    });
    expect(contact.status).toBe(201);
    const errors = await refusedFields(
      withMessage({ type: 'TEXT', text: 'x' }, undefined, 'key-without-line'),
    );
    expect(Object.keys(errors)).toEqual(['to']);
    expect(errors.to![0]).toMatch(/no line identity/);
  });

  it('names `to` when an agent handles the conversation (Infobip has no way to force the send)', async () => {
    const contact = await gw.api('POST', '/v1/contacts', {
      identities: [
        { channel: 'infobip', address: 'key-with-agent' },
        { channel: 'line', address: lineUser(7) },
      ],
    });
    const conversation = await gw.api('POST', '/v1/conversations', {
      contactId: contact.json.id,
      channelAccountId: world.accountId,
    });
    expect(conversation.status, JSON.stringify(conversation.json)).toBeLessThan(300);
    const assigned = await gw.api('POST', `/v1/conversations/${conversation.json.id}/assign`, {
      owner: 'agent',
      agentId: 'agent-1',
    });
    expect(assigned.status).toBe(200);
    const errors = await refusedFields(withMessage({ type: 'TEXT', text: 'x' }, undefined, 'key-with-agent'));
    expect(errors.to![0]).toMatch(/handled by an agent \(agent-1\)/);
  });

  it('names `from`, `to` and `message` when they are missing', async () => {
    const errors = await refusedFields('{}');
    expect(Object.keys(errors).sort()).toEqual(['from', 'message', 'to']);
  });
});

describe('malformed message fields', () => {
  const cases: Array<[what: string, body: string, field: string, detail?: RegExp]> = [
    [
      'a message type Infobip LINE does not have',
      message({ type: 'SMS', text: 'x' }),
      'message.type',
      /TEXT, IMAGE/,
    ],
    ['a message without type', message({ text: 'x' }), 'message.type'],
    ['TEXT without text', message({ type: 'TEXT' }), 'message.text', /required/],
    ['TEXT with an empty text', message({ type: 'TEXT', text: '' }), 'message.text'],
    [
      'TEXT longer than LINE takes',
      message({ type: 'TEXT', text: 'a'.repeat(5001) }),
      'message.text',
      /5000/,
    ],
    ['IMAGE with a URL that is not one', message({ type: 'IMAGE', url: 'not a url' }), 'message.url'],
    [
      'IMAGE over plain HTTP (LINE fetches HTTPS only)',
      message({ type: 'IMAGE', url: 'http://example.com/a.jpg' }),
      'message.url',
      /HTTPS/,
    ],
    [
      'IMAGE with a bad thumbnailUrl',
      message({ type: 'IMAGE', url: 'https://example.com/a.jpg', thumbnailUrl: 5 }),
      'message.thumbnailUrl',
    ],
    [
      'VIDEO without thumbnailUrl (LINE needs a preview)',
      message({ type: 'VIDEO', url: 'https://example.com/a.mp4' }),
      'message.thumbnailUrl',
      /preview/,
    ],
    [
      'AUDIO without duration (LINE needs it)',
      message({ type: 'AUDIO', url: 'https://example.com/a.m4a' }),
      'message.duration',
      /duration/,
    ],
    [
      'AUDIO with a duration that is not a whole number',
      message({ type: 'AUDIO', url: 'https://example.com/a.m4a', duration: 1.5 }),
      'message.duration',
    ],
    [
      'LOCATION off the map',
      message({ type: 'LOCATION', title: 't', address: 'a', latitude: 91, longitude: 0 }),
      'message.latitude',
    ],
    ['LOCATION without longitude', message({ type: 'LOCATION', latitude: 1 }), 'message.longitude'],
    [
      'LOCATION with a title longer than LINE takes',
      message({ type: 'LOCATION', title: 't'.repeat(101), address: 'a', latitude: 1, longitude: 2 }),
      'message.title',
      /100/,
    ],
    [
      'STICKER ids that are not LINE ids',
      message({ type: 'STICKER', packageId: 'abc', stickerId: '1' }),
      'message.packageId',
      /numeric/,
    ],
    ['STICKER without stickerId', message({ type: 'STICKER', packageId: '1' }), 'message.stickerId'],
  ];
  const imagemap = (over: Record<string, unknown>) =>
    message({
      type: 'IMAGEMAP',
      baseUrl: 'https://example.com/base',
      altText: 'Alt',
      baseSize: { width: 1040, height: 1040 },
      actions: [{ type: 'URI', linkUri: 'https://example.com', area: { x: 0, y: 0, width: 10, height: 10 } }],
      ...over,
    });
  cases.push(
    ['IMAGEMAP without baseSize.height', imagemap({ baseSize: { width: 1040 } }), 'message.baseSize.height'],
    [
      'IMAGEMAP with an alt text longer than LINE takes',
      imagemap({ altText: 'a'.repeat(1501) }),
      'message.altText',
      /1500/,
    ],
    ['IMAGEMAP with no actions', imagemap({ actions: [] }), 'message.actions'],
    [
      'IMAGEMAP action of an unknown type',
      imagemap({ actions: [{ type: 'POSTBACK', data: 'x', area: { x: 0, y: 0, width: 1, height: 1 } }] }),
      'message.actions[0].type',
      /URI, MESSAGE/,
    ],
    [
      'IMAGEMAP action without area',
      imagemap({ actions: [{ type: 'MESSAGE', text: 'x' }] }),
      'message.actions[0].area',
    ],
    [
      'IMAGEMAP area with a negative x',
      imagemap({ actions: [{ type: 'MESSAGE', text: 'x', area: { x: -1, y: 0, width: 1, height: 1 } }] }),
      'message.actions[0].area.x',
    ],
    [
      'IMAGEMAP link with a scheme LINE does not open',
      imagemap({
        actions: [{ type: 'URI', linkUri: 'ftp://example.com', area: { x: 0, y: 0, width: 1, height: 1 } }],
      }),
      'message.actions[0].linkUri',
    ],
    [
      'TEMPLATE without altText',
      message({
        type: 'TEMPLATE',
        template: { type: 'CONFIRM', text: 'Sure?', actions: [postback(), postback('No', 'no')] },
      }),
      'message.altText',
    ],
    [
      'TEMPLATE of an unknown template type',
      template({ type: 'IMAGE_CAROUSEL', columns: [] }),
      'message.template.type',
      /BUTTONS, CONFIRM, CAROUSEL/,
    ],
    [
      'BUTTONS with five actions (LINE takes four)',
      template({
        type: 'BUTTONS',
        text: 'Pick',
        actions: [1, 2, 3, 4, 5].map((n) => postback(`L${n}`, `d${n}`)),
      }),
      'message.template.actions',
      /at most 4/,
    ],
    [
      'BUTTONS with a label longer than LINE takes',
      template({ type: 'BUTTONS', text: 'Pick', actions: [postback('l'.repeat(21))] }),
      'message.template.actions[0].label',
      /20/,
    ],
    [
      'BUTTONS with postback data longer than LINE takes',
      template({ type: 'BUTTONS', text: 'Pick', actions: [postback('ok', 'd'.repeat(301))] }),
      'message.template.actions[0].data',
      /300/,
    ],
    [
      'BUTTONS with a title and text over 60 characters',
      template({ type: 'BUTTONS', title: 'T', text: 't'.repeat(61), actions: [postback()] }),
      'message.template.text',
      /60/,
    ],
    [
      'BUTTONS with a plain-HTTP thumbnail',
      template({
        type: 'BUTTONS',
        thumbnailImageUrl: 'http://example.com/t.jpg',
        text: 'x',
        actions: [postback()],
      }),
      'message.template.thumbnailImageUrl',
      /HTTPS/,
    ],
    [
      'BUTTONS URI action with a scheme LINE does not open',
      template({
        type: 'BUTTONS',
        text: 'x',
        actions: [{ type: 'URI', label: 'Go', uri: 'ftp://example.com' }],
      }),
      'message.template.actions[0].uri',
      /http, https, line or tel/,
    ],
    [
      'BUTTONS MESSAGE action without text',
      template({ type: 'BUTTONS', text: 'x', actions: [{ type: 'MESSAGE', label: 'Go' }] }),
      'message.template.actions[0].text',
    ],
    [
      'CONFIRM with three actions',
      template({ type: 'CONFIRM', text: 'Sure?', actions: [postback(), postback(), postback()] }),
      'message.template.actions',
    ],
    [
      'CONFIRM with a text longer than LINE takes',
      template({ type: 'CONFIRM', text: 'x'.repeat(241), actions: [postback(), postback('No', 'no')] }),
      'message.template.text',
      /240/,
    ],
    [
      'CONFIRM with a label longer than LINE takes',
      template({ type: 'CONFIRM', text: 'Sure?', actions: [postback(), postback('n'.repeat(21), 'no')] }),
      'message.template.actions[1].label',
      /20/,
    ],
    [
      'CAROUSEL column without text',
      template({ type: 'CAROUSEL', columns: [{ actions: [postback()] }] }),
      'message.template.columns[0].text',
    ],
    [
      'CAROUSEL with eleven columns (LINE takes ten)',
      template({
        type: 'CAROUSEL',
        columns: Array.from({ length: 11 }, () => ({ text: 'c', actions: [postback()] })),
      }),
      'message.template.columns',
      /at most 10/,
    ],
    [
      'CAROUSEL columns with different numbers of actions',
      template({
        type: 'CAROUSEL',
        columns: [
          { text: 'a', actions: [postback()] },
          { text: 'b', actions: [postback(), postback('No', 'no')] },
        ],
      }),
      'message.template.columns[1].actions',
      /same number/,
    ],
    [
      'CAROUSEL with a thumbnail on one column only',
      template({
        type: 'CAROUSEL',
        columns: [
          { thumbnailImageUrl: 'https://example.com/1.jpg', text: 'a', actions: [postback()] },
          { text: 'b', actions: [postback()] },
        ],
      }),
      'message.template.columns[1].thumbnailImageUrl',
      /every card or on none/,
    ],
    [
      'CAROUSEL column action label longer than LINE takes',
      template({ type: 'CAROUSEL', columns: [{ text: 'a', actions: [postback('l'.repeat(21))] }] }),
      'message.template.columns[0].actions[0].label',
      /20/,
    ],
  );

  for (const [what, body, field, detail] of cases) {
    it(`names ${field}: ${what}`, async () => {
      const errors = await refusedFields(body);
      expect(Object.keys(errors), JSON.stringify(errors)).toContain(field);
      if (detail) expect(errors[field]!.join(' ')).toMatch(detail);
    });
  }
});

describe('requests that are not Infobip JSON', () => {
  const refused = async (changes: Parameters<typeof sendExample>[2]) => {
    const res = await sendExample(gw, text, changes);
    expect(res.statusCode, res.body).toBe(400);
    const exception = res.json().requestError.serviceException;
    expect(exception.messageId).toBe('BAD_REQUEST');
    return exception.text as string;
  };

  it('refuses a body that is not JSON, a text/plain body and an oversized one', async () => {
    expect(await refused({ body: '{"from": ' })).toMatch(/not valid JSON/);
    expect(await refused({ headers: { 'content-type': 'text/plain' } })).toMatch(/application\/json/);
    expect(await refused({ body: withMessage({ type: 'TEXT', text: 'x'.repeat(1_100_000) }) })).toMatch(
      /size limit/,
    );
  });

  it('refuses the NUL character in a field, naming it', async () => {
    const errors = await refusedFields(withMessage({ type: 'TEXT', text: 'a\u0000b' }));
    expect(errors).toEqual({ 'message.text': [expect.stringMatching(/must not contain the NUL character/)] });
  });

  it('answers an unknown Infobip path, or another method, in its shape', async () => {
    const headers = { authorization: text.headers['authorization']! };
    const res = await gw.app.inject({ method: 'GET', url: '/line/1/multi', headers });
    expect(res.statusCode).toBe(404);
    expect(res.json().requestError.serviceException.messageId).toBe('NOT_FOUND');
    const wrongMethod = await gw.app.inject({ method: 'GET', url: '/line/1/single', headers });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.json().requestError.serviceException.messageId).toBe('BAD_REQUEST');
  });

  it('is published in the OpenAPI document under the infobip tag', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = doc.paths['/line/1/single'].post;
    expect(operation.tags).toEqual(['infobip']);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '500']);
    expect(JSON.stringify(operation.requestBody)).toContain('CAROUSEL');
  });
});
