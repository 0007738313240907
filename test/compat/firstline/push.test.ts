/**
 * The FIRST LINE façade beyond the document's examples: every contactable_type, the three ways a
 * contactable_id is resolved, is_force against a conversation an agent owns, credentials, and
 * each documented field and refusal answered in FIRST LINE's (Laravel's) error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIBER_SANDBOX_RECEIVERS } from '../../../src/channels/viber/emulator/receivers.ts';
import { WECHAT_SANDBOX_USERS } from '../../../src/channels/wechat/emulator/users.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { LINE_USER, lineUser, TELEGRAM_CHAT } from '../../support/recipients.ts';
import { delivered, PUSH, push, pushAccepted } from './client.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

const text = (contactableType: string, contactableId: unknown, extra: Record<string, unknown> = {}) => ({
  contactable_type: contactableType,
  contactable_id: contactableId,
  type: 'text',
  message: 'Hello from FIRST LINE',
  ...extra,
});
const toLine = (type: string, message: unknown, extra: Record<string, unknown> = {}) => ({
  contactable_type: 'App\\LineContact',
  contactable_id: LINE_USER,
  type,
  message,
  ...extra,
});
const messageCount = async () => (await gw.api('GET', '/v1/messages?limit=200')).json.data.length as number;

/** Expects a 422 in Laravel's shape whose `errors` has exactly these fields. */
async function refused(body: unknown, fields: string[]): Promise<Record<string, string[]>> {
  const before = await messageCount();
  const res = await push(gw, body as Record<string, unknown>);
  expect(res.status, JSON.stringify(res.json)).toBe(422);
  expect(Object.keys(res.json).sort()).toEqual(['errors', 'message']);
  expect(Object.keys(res.json.errors).sort()).toEqual([...fields].sort());
  const all = Object.values(res.json.errors as Record<string, string[]>).flat();
  const more = all.length - 1;
  expect(res.json.message).toBe(
    more === 0 ? all[0] : `${all[0]} (and ${more} more error${more === 1 ? '' : 's'})`,
  );
  expect(await messageCount()).toBe(before);
  return res.json.errors;
}

describe('contactable_type: the channel', () => {
  it.each([
    ['App\\LineContact', 'line', LINE_USER],
    ['App\\FbContact', 'messenger', '1254477777772919'],
    ['App\\IgContact', 'instagram', '6281923771234567'],
    ['App\\TelegramContact', 'telegram', TELEGRAM_CHAT],
    ['App\\ViberContact', 'viber', VIBER_SANDBOX_RECEIVERS.user],
    ['App\\WechatContact', 'wechat', WECHAT_SANDBOX_USERS.follower],
  ])('%s goes to %s', async (type, channel, address) => {
    const id = await pushAccepted(gw, channel, text(type, address));
    const { message, body } = await delivered(gw, id);
    expect(message).toMatchObject({ channel, to: address, from: gw.accountId(channel) });
    expect(message.message).toEqual({ type: 'text', text: 'Hello from FIRST LINE' });
    expect(JSON.stringify(body)).toContain('Hello from FIRST LINE');
  });

  it('refuses App\\LivechatContact until Omnigate has a live chat channel', async () => {
    const errors = await refused(text('App\\LivechatContact', 'visitor-1'), ['contactable_type']);
    expect(errors.contactable_type?.[0]).toMatch(/App\\LivechatContact is not supported yet.*live chat/);
  });

  it('refuses an unknown contact class', async () => {
    const errors = await refused(text('App\\SmsContact', '+66812345678'), ['contactable_type']);
    expect(errors.contactable_type).toEqual(['The selected contactable type is invalid.']);
  });
});

describe('contactable_id: resolved through the contact store', () => {
  async function contact(identities: unknown[]): Promise<string> {
    const res = await gw.api('POST', '/v1/contacts', { identities });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  it('1. a contact whose firstline identity it is: sent to that contact on the channel', async () => {
    const id = await contact([
      { channel: 'firstline', address: 'fl-1001' },
      { channel: 'line', address: lineUser(3) },
      { channel: 'telegram', address: '100200300' },
    ]);
    const line = await pushAccepted(gw, 'line', text('App\\LineContact', 'fl-1001'));
    expect((await delivered(gw, line)).message).toMatchObject({ to: lineUser(3), contactId: id });
    const telegram = await pushAccepted(gw, 'telegram', text('App\\TelegramContact', 'fl-1001'));
    expect((await delivered(gw, telegram)).message).toMatchObject({ to: '100200300', contactId: id });
  });

  it('1. FIRST LINE’s numeric ids work as numbers too', async () => {
    const id = await contact([
      { channel: 'firstline', address: '4242' },
      { channel: 'line', address: lineUser(4) },
    ]);
    const sent = await pushAccepted(gw, 'line', text('App\\LineContact', 4242));
    expect((await delivered(gw, sent)).message).toMatchObject({ to: lineUser(4), contactId: id });
  });

  it('1. refuses a contact with no identity on the channel, naming contactable_id', async () => {
    await contact([{ channel: 'firstline', address: 'fl-no-viber' }]);
    const errors = await refused(text('App\\ViberContact', 'fl-no-viber'), ['contactable_id']);
    expect(errors.contactable_id?.[0]).toMatch(/has no viber identity/);
  });

  it('2. a contact whose identity on the channel it is: sent there, recorded with the contact', async () => {
    const id = await contact([{ channel: 'line', address: lineUser(5) }]);
    const sent = await pushAccepted(gw, 'line', text('App\\LineContact', lineUser(5)));
    expect((await delivered(gw, sent)).message).toMatchObject({ to: lineUser(5), contactId: id });
  });

  it('3. otherwise the channel address itself, checked by the channel', async () => {
    const sent = await pushAccepted(gw, 'line', text('App\\LineContact', lineUser(6)));
    const { message } = await delivered(gw, sent);
    expect(message.to).toBe(lineUser(6));
    expect(message.contactId).toBeUndefined();
    const errors = await refused(text('App\\LineContact', 'not-a-line-user'), ['contactable_id']);
    expect(errors.contactable_id?.[0]).toMatch(/^The contactable id field must be a LINE user/);
  });
});

describe('is_force: conversations an agent is handling', () => {
  const USER = lineUser(8);

  beforeAll(async () => {
    await gw.simulateOk('line', { from: USER, text: 'I need a person' });
    const list = (await gw.api('GET', '/v1/conversations?state=open')).json.data as Array<{
      id: string;
      address: string;
    }>;
    const conversation = list.find((c) => c.address === USER);
    if (!conversation) throw new Error('no conversation was opened');
    const assigned = await gw.api('POST', `/v1/conversations/${conversation.id}/assign`, {
      owner: 'agent',
      agentId: 'alice',
    });
    expect(assigned.status).toBe(200);
  });

  it.each([[0], ['0'], [false], [null], [undefined]])(
    'is_force %s is refused, naming is_force',
    async (force) => {
      const errors = await refused(text('App\\LineContact', USER, { is_force: force }), ['is_force']);
      expect(errors.is_force?.[0]).toMatch(
        /handled by an agent \(alice\); set is_force to 1 to send anyway\.$/,
      );
    },
  );

  it.each([[1], ['1'], [true]])(
    'is_force %s sends, and the message and conversation record it',
    async (force) => {
      const id = await pushAccepted(gw, 'line', text('App\\LineContact', USER, { is_force: force }));
      const { message } = await delivered(gw, id);
      expect(message.forced).toBe(true);
      const conversations = (await gw.api('GET', '/v1/conversations?state=open')).json.data as Array<{
        id: string;
        address: string;
      }>;
      const conversation = conversations.find((c) => c.address === USER);
      const events = (await gw.api('GET', `/v1/conversations/${conversation?.id}`)).json.events;
      expect(events.at(-1)).toMatchObject({ type: 'forced_send', detail: { messageId: id } });
    },
  );

  it('is_force 1 to someone no agent is handling is an ordinary send', async () => {
    const id = await pushAccepted(gw, 'line', text('App\\LineContact', LINE_USER, { is_force: 1 }));
    expect((await delivered(gw, id)).message.forced).toBeUndefined();
  });
});

describe('credentials', () => {
  const withAuth = (authorization?: string) =>
    push(gw, text('App\\LineContact', LINE_USER), authorization !== undefined ? { authorization } : {});

  it('answers 401 Unauthenticated. without a bearer token, or with one that is not known', async () => {
    for (const authorization of [undefined, 'Bearer nope-not-a-key', 'Basic dXNlcjpwYXNz', 'Bearer ']) {
      const res = await withAuth(authorization);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Unauthenticated.' });
    }
  });

  it('takes a registered firstline credential, and not another vendor’s', async () => {
    const made = await gw.api('POST', '/v1/compat-credentials', { vendor: 'firstline' });
    expect(made.status).toBe(201);
    expect((await withAuth(`Bearer ${made.json.secret}`)).status).toBe(200);
    const webex = await gw.api('POST', '/v1/compat-credentials', { vendor: 'webex' });
    expect(webex.status).toBe(201);
    expect((await withAuth(`Bearer ${webex.json.secret}`)).status).toBe(401);
  });
});

describe('documented fields and their refusals', () => {
  it('names every missing field, in Laravel’s words', async () => {
    const errors = await refused({}, ['contactable_type', 'contactable_id', 'type', 'message']);
    expect(errors).toEqual({
      contactable_type: ['The contactable type field is required.'],
      contactable_id: ['The contactable id field is required.'],
      type: ['The type field is required.'],
      message: ['The message field is required.'],
    });
  });

  it('refuses an unknown type, a message of the wrong form and a bad is_force', async () => {
    expect(await refused(toLine('video', 'x'), ['type'])).toEqual({
      type: ['The selected type is invalid.'],
    });
    expect(await refused(toLine('text', { text: 'hi' }), ['message'])).toEqual({
      message: ['The message field must be a string.'],
    });
    expect(await refused(toLine('button', 'hi'), ['message'])).toEqual({
      message: ['The message field must be an object.'],
    });
    expect(await refused(toLine('text', 'hi', { is_force: 2 }), ['is_force'])).toEqual({
      is_force: ['The selected is force is invalid.'],
    });
  });

  it('checks each button option by its type', async () => {
    const errors = await refused(
      toLine('button', {
        explain_text: 'Pick',
        options: [
          { label: 'Site', type: 'url' },
          { label: 'Call', type: 'phonenumber', number: null },
          { type: 'text', value: 'x' },
          { label: 'Old', type: 'url', url: 'ftp://example.com/file' },
          { label: 'Local', type: 'phonenumber', number: '02-2345-6789' },
          { label: 'Mail', type: 'email' },
        ],
      }),
      [
        'message.options.0.url',
        'message.options.1.number',
        'message.options.2.label',
        'message.options.3.url',
        'message.options.4.number',
        'message.options.5.type',
      ],
    );
    expect(errors['message.options.0.url']).toEqual(['The message.options.0.url field is required.']);
    expect(errors['message.options.1.number']).toEqual(['The message.options.1.number field is required.']);
    expect(errors['message.options.3.url']).toEqual([
      'The message.options.3.url field must be a valid URL starting with http:// or https://.',
    ]);
    expect(errors['message.options.4.number']?.[0]).toMatch(/international form/);
  });

  it('needs explain_text and at least one option', async () => {
    expect(
      await refused(toLine('quickreply', { options: [] }), ['message.explain_text', 'message.options']),
    ).toEqual({
      'message.explain_text': ['The message.explain text field is required.'],
      'message.options': ['The message.options field must have at least 1 item(s).'],
    });
  });

  it('needs a label or a text on each carousel action, and columns', async () => {
    const errors = await refused(
      toLine('carousel', {
        columns: [
          { title: 'T', text: 'x', actions: [{ type: 'text', value: 'v', label: null, text: null }] },
        ],
      }),
      ['message.columns.0.actions.0.text'],
    );
    expect(errors['message.columns.0.actions.0.text']).toEqual([
      'The message.columns.0.actions.0.text field is required.',
    ]);
    await refused(toLine('carousel', { alt_text: 'x' }), ['message.columns']);
  });

  it('checks image carousel colours as HEX codes', async () => {
    const errors = await refused(
      toLine('image_carousel', {
        columns: [
          {
            image_url: 'https://example.com/a.png',
            button: { text: 'Go', background_color: 'red' },
            badge: { text: 'NEW', color: '#FFF' },
          },
        ],
      }),
      ['message.columns.0.button.background_color', 'message.columns.0.badge.color'],
    );
    expect(errors['message.columns.0.badge.color']).toEqual([
      'The message.columns.0.badge.color field must be a HEX colour code such as #09091A.',
    ]);
  });

  it('ignores fields it does not know, as FIRST LINE does', async () => {
    await pushAccepted(gw, 'line', {
      ...text('App\\LineContact', LINE_USER),
      campaign: 'spring',
      message: 'with extras',
    });
  });

  it('names the FIRST LINE field when the channel refuses a limit', async () => {
    const option = (i: number) => ({ label: `Option ${i}`, value: `${i}`, type: 'text' });
    expect(
      await refused(toLine('button', { explain_text: 'Pick', options: [1, 2, 3, 4, 5].map(option) }), [
        'message.options',
      ]),
    ).toEqual({
      'message.options': ['The message.options field is invalid: LINE allows at most 4 buttons; this has 5.'],
    });
    const long = { label: 'A label much longer than twenty', value: 'x', type: 'text' };
    const errors = await refused(toLine('quickreply', { explain_text: 'Pick', options: [long] }), [
      'message.options.0.label',
    ]);
    expect(errors['message.options.0.label']?.[0]).toMatch(/LINE allows at most 20 characters/);
  });

  it('applies LINE’s Flex limits to carousels: columns, HTTPS images, alt text', async () => {
    const column = (i: number) => ({ image_url: 'https://example.com/a.png', title: `T${i}`, text: 'x' });
    await refused(toLine('carousel', { columns: Array.from({ length: 13 }, (_, i) => column(i)) }), [
      'message.columns',
    ]);
    const errors = await refused(
      toLine('image_carousel', {
        alt_text: 'x'.repeat(1501),
        columns: [{ image_url: 'http://example.com/a.png', button: { text: 'Go' } }],
      }),
      ['message.alt_text', 'message.columns.0.image_url'],
    );
    expect(errors['message.columns.0.image_url']?.[0]).toMatch(/HTTPS/);
  });

  it('refuses the NUL character in a field, naming it', async () => {
    expect(await refused(toLine('text', 'a\u0000b'), ['message'])).toEqual({
      message: ['The message field must not contain the NUL character (U+0000).'],
    });
  });

  it('answers Fastify’s own refusals in FIRST LINE’s shape', async () => {
    const plain = await push(gw, 'hello', {
      authorization: 'Bearer og_test_key_for_the_e2e_suite_0123456789',
      'content-type': 'text/plain',
    });
    expect(plain.status).toBe(415);
    expect(plain.json).toEqual({ message: 'Send the request body as application/json.' });
    const large = await push(gw, toLine('text', 'x'.repeat(1_100_000)));
    expect(large.status).toBe(413);
    expect(large.json).toEqual({ message: 'The request body is too large.' });
  });
});

describe('colours and actions on other channels', () => {
  it('an image carousel with a link renders its button in its colour on Viber', async () => {
    const id = await pushAccepted(gw, 'viber', {
      contactable_type: 'App\\ViberContact',
      contactable_id: VIBER_SANDBOX_RECEIVERS.user,
      type: 'image_carousel',
      message: {
        alt_text: 'Offers',
        columns: [
          {
            image_url: 'https://example.com/offer.png',
            action: { type: 'url', url: 'https://example.com/offer', value: null },
            button: {
              text: 'Buy now',
              background_color: '#FF6600',
              border_color: '#000000',
              color: '#FFFFFF',
            },
            badge: { text: 'SALE', background_color: '#eb4d4b', border_color: null, color: '#FFFFFF' },
          },
        ],
      },
    });
    const { message, body } = await delivered(gw, id);
    const buttons = body.rich_media.Buttons as Array<Record<string, unknown>>;
    expect(buttons).toContainEqual(
      expect.objectContaining({
        ActionType: 'open-url',
        ActionBody: 'https://example.com/offer',
        BgColor: '#FF6600',
      }),
    );
    expect(JSON.stringify(buttons)).toContain('SALE');
    expect(JSON.stringify(buttons)).toContain('Buy now');
    expect(message.message.cards[0]).toMatchObject({ buttonColor: '#FF6600', badge: { color: '#eb4d4b' } });
  });

  it('an image carousel column keeps all six colours on LINE, each in its place', async () => {
    const button = { text: 'Choose', background_color: '#111111', border_color: '#222222', color: '#333333' };
    const badge = { text: 'NEW', background_color: '#444444', border_color: '#555555', color: '#666666' };
    const id = await pushAccepted(
      gw,
      'line',
      toLine('image_carousel', {
        alt_text: 'New in',
        columns: [{ image_url: 'https://example.com/a.png', button, badge }],
      }),
    );
    const { body } = await delivered(gw, id);
    const [, badgeBox, buttonBox] = body.messages[0].contents.contents[0].body.contents;
    for (const [box, given] of [
      [badgeBox, badge],
      [buttonBox, button],
    ] as const) {
      expect(box).toMatchObject({ backgroundColor: given.background_color, borderColor: given.border_color });
      expect(box.contents[0]).toMatchObject({ text: given.text, color: given.color });
    }
  });

  it('an image carousel column’s action taps through on LINE, button and image alike', async () => {
    const id = await pushAccepted(
      gw,
      'line',
      toLine('image_carousel', {
        columns: [
          {
            image_url: 'https://example.com/a.png',
            action: { type: 'text', url: null, value: 'I want this' },
            button: { text: 'Choose', background_color: '#FFFFFF' },
            badge: null,
          },
        ],
      }),
    );
    const { body } = await delivered(gw, id);
    const [flex] = body.messages;
    // Without alt_text, LINE's alt text is derived from what the columns show.
    expect(flex.altText).toBe('Choose');
    const bubble = flex.contents.contents[0];
    expect(bubble.action).toEqual({ type: 'message', text: 'I want this' });
    expect(bubble.body.contents).toHaveLength(2);
    expect(bubble.body.contents[1]).toMatchObject({ backgroundColor: '#FFFFFF', action: bubble.action });
    expect(bubble.body.contents[1].borderColor).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('publishes the push under the FIRST LINE tag', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = doc.paths[PUSH]?.post;
    expect(operation.tags).toEqual(['FIRST LINE']);
    expect(
      operation.requestBody.content['application/json'].schema.properties.contactable_type.enum,
    ).toContain('App\\LineContact');
  });
});
