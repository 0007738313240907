/**
 * Two tenants on every route of the app: tenant A owns one of everything, tenant B calls every
 * route with A's ids and names. B must get exactly the answer a never-existing id gets (same
 * status, same body but for the id), see none of A's things in any list, and leave A's things as
 * they were. The route table is walked, so a route added without a check here fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { hashApiKey } from '../../src/lib/crypto.ts';
import { type ApiResponse, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, lineUser } from '../support/recipients.ts';

const B_KEY = 'og_tenant_b_key_for_the_route_walk_00000000';

/** Routes open without an API key on purpose, and why. */
const PUBLIC: Record<string, string> = {
  'GET /docs': 'the API reference, the same for everyone',
  'HEAD /docs/': 'the API reference',
  'GET /docs/static/index.html': 'the API reference',
  'GET /docs/static/swagger-initializer.js': 'the API reference',
  'GET /docs/json': 'the API reference',
  'GET /docs/yaml': 'the API reference',
  'GET /docs/static/*': 'the API reference',
  'GET /openapi.json': 'the API reference',
  'GET /healthz': 'liveness, no data',
  'GET /readyz': 'readiness, no tenant data',
  'GET /l/:code': 'short links: the unguessable code is the capability, as in any link shortener',
  'GET /webhooks/:channel/:accountId':
    "providers' URL verification: the unguessable account id names the tenant and the provider's token or signature proves the caller",
  'POST /webhooks/:channel/:accountId':
    "provider webhooks: authenticated by the provider's signature over the body, not by an API key",
};
/** The provider emulators mounted in sandbox mode; their own suite covers who may use them. */
const SANDBOX_PREFIX = '/sandbox/';

let gw: TestGateway;
/** What tenant A made, by kind. */
const a = {} as {
  message: string;
  contact: string;
  conversation: string;
  link: string;
  template: string;
  webhook: string;
  credential: string;
  line: string;
  messenger: string;
};
/** Strings of A's that no answer to B may contain. */
let secrets: string[] = [];
/** A's whole state, as A reads it; B's calls must leave it as it was. */
let before: string;

const asA = (method: string, url: string, body?: unknown) => gw.api(method, url, body);
/** What B last sent: an answer may echo it back without telling B anything. */
let sentByB = '';
const asB = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
  sentByB = url + JSON.stringify(body ?? null);
  return gw.api(method, url, body, { authorization: `Bearer ${B_KEY}`, ...headers });
};

/** An id of the same shape as `id` that names nothing. */
const missing = (id: string) => `${id.slice(0, -6)}ZZZZZZ`;

/** An answer with the ids it mentions blanked and the per-request parts removed. */
function normalized(res: ApiResponse, ...ids: string[]): unknown {
  let text = JSON.stringify(res.json ?? null);
  for (const id of ids) text = text.split(id).join('<id>');
  // Fresh per request whoever asks (LINE's retry key in a preview).
  text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  const body = JSON.parse(text);
  if (body && typeof body === 'object') {
    delete body.request_id;
    delete body.instance;
  }
  return { status: res.status, type: res.headers['content-type'], body };
}

/**
 * B asking for A's resource gets exactly what B asking for one that never existed gets; `call`
 * builds the request from the id (or name) it is given.
 */
async function indistinguishable(
  call: (id: string) => Promise<ApiResponse>,
  id: string,
  other = missing(id),
): Promise<void> {
  const theirs = await call(id);
  const sent = sentByB;
  const none = await call(other);
  expect(normalized(theirs, id)).toEqual(normalized(none, other));
  blind(theirs, sent);
}

/** B's answer mentions nothing of A's but what B itself sent. */
function blind(res: ApiResponse, sent = sentByB): void {
  const text = JSON.stringify(res.json ?? null);
  for (const s of secrets) if (!sent.includes(s)) expect(text, `B's answer shows A's ${s}`).not.toContain(s);
}

async function stateOfA(): Promise<string> {
  const reads = [
    `/v1/messages/${a.message}`,
    `/v1/contacts/${a.contact}`,
    `/v1/contacts/${a.contact}/consent`,
    `/v1/conversations/${a.conversation}`,
    `/v1/links/${a.link}/clicks`,
    `/v1/templates/${a.template}`,
    `/v1/webhooks/${a.webhook}`,
    `/v1/webhooks/${a.webhook}/deliveries`,
    '/v1/frequency-caps',
    '/v1/compat-credentials',
    '/v1/channel-accounts',
    '/v1/account',
  ];
  const answers = await Promise.all(reads.map(async (url) => [url, (await asA('GET', url)).json]));
  return JSON.stringify(answers);
}

const line = (text: string) => ({ type: 'text', text });

/** The check of each route, keyed `METHOD /pattern` as the route table names it. */
const CHECKS: Record<string, () => Promise<void>> = {
  'POST /v1/messages': () =>
    indistinguishable(
      (from) => asB('POST', '/v1/messages', { channel: 'line', from, to: LINE_USER, message: line('x') }),
      a.line,
    ),
  'GET /v1/messages': async () => blind(await asB('GET', `/v1/messages?correlationId=a-corr`)),
  'POST /v1/messages/preview': () =>
    indistinguishable(
      (from) =>
        asB('POST', '/v1/messages/preview', { channel: 'line', from, to: LINE_USER, message: line('x') }),
      a.line,
    ),
  'GET /v1/messages/:id': () => indistinguishable((id) => asB('GET', `/v1/messages/${id}`), a.message),

  'POST /v1/contacts': async () => {
    // The same identity as A's contact is no conflict for B: a 409 would tell B it exists.
    const made = await asB('POST', '/v1/contacts', {
      identities: [{ channel: 'line', address: lineUser(7) }],
    });
    expect(made.status).toBe(201);
    blind(made);
  },
  'GET /v1/contacts': async () => blind(await asB('GET', '/v1/contacts')),
  'GET /v1/contacts/:id': () => indistinguishable((id) => asB('GET', `/v1/contacts/${id}`), a.contact),
  'PATCH /v1/contacts/:id': () =>
    indistinguishable((id) => asB('PATCH', `/v1/contacts/${id}`, { name: 'taken over' }), a.contact),
  'DELETE /v1/contacts/:id': () => indistinguishable((id) => asB('DELETE', `/v1/contacts/${id}`), a.contact),
  'PUT /v1/contacts/:id/consent': () =>
    indistinguishable(
      (id) => asB('PUT', `/v1/contacts/${id}/consent`, { purpose: 'marketing', status: 'opted_out' }),
      a.contact,
    ),
  'GET /v1/contacts/:id/consent': () =>
    indistinguishable((id) => asB('GET', `/v1/contacts/${id}/consent`), a.contact),

  'POST /v1/conversations': () =>
    indistinguishable(
      (contactId) => asB('POST', '/v1/conversations', { contactId, channelAccountId: a.line }),
      a.contact,
    ),
  'GET /v1/conversations': async () => blind(await asB('GET', `/v1/conversations?contactId=${a.contact}`)),
  'GET /v1/conversations/:id': () =>
    indistinguishable((id) => asB('GET', `/v1/conversations/${id}`), a.conversation),
  'POST /v1/conversations/:id/assign': () =>
    indistinguishable(
      (id) => asB('POST', `/v1/conversations/${id}/assign`, { owner: 'agent', agentId: 'b' }),
      a.conversation,
    ),
  'POST /v1/conversations/:id/release': () =>
    indistinguishable((id) => asB('POST', `/v1/conversations/${id}/release`, {}), a.conversation),
  'POST /v1/conversations/:id/close': () =>
    indistinguishable((id) => asB('POST', `/v1/conversations/${id}/close`, {}), a.conversation),

  'PUT /v1/frequency-caps/:group': async () => {
    // B's cap of the same name is B's own; A's stays (checked after every route).
    const res = await asB('PUT', '/v1/frequency-caps/a-promo', { perDay: 99 });
    expect(res.status).toBe(200);
  },
  'GET /v1/frequency-caps': async () => {
    const res = await asB('GET', '/v1/frequency-caps');
    expect(JSON.stringify(res.json)).not.toContain('"perDay":2');
  },

  'POST /v1/links': async () => blind(await asB('POST', '/v1/links', { url: 'https://b.example.com/' })),
  'GET /v1/links': async () => blind(await asB('GET', '/v1/links')),
  'GET /v1/links/:id/clicks': () => indistinguishable((id) => asB('GET', `/v1/links/${id}/clicks`), a.link),

  'POST /v1/templates': async () => {
    // The same name is a first version for B, not A's second.
    const made = await asB('POST', '/v1/templates', template(a.template));
    expect([made.status, made.json.version]).toEqual([201, 1]);
    expect((await asB('DELETE', `/v1/templates/${a.template}`)).status).toBeLessThan(300);
  },
  'GET /v1/templates': async () => blind(await asB('GET', '/v1/templates')),
  'GET /v1/templates/:name': () =>
    indistinguishable((name) => asB('GET', `/v1/templates/${name}`), a.template, 'never_made'),
  'DELETE /v1/templates/:name': () =>
    indistinguishable((name) => asB('DELETE', `/v1/templates/${name}`), a.template, 'never_made'),

  'POST /v1/webhooks': async () =>
    blind(await asB('POST', '/v1/webhooks', { url: 'https://b.example.com/h' })),
  'GET /v1/webhooks': async () => blind(await asB('GET', '/v1/webhooks')),
  'GET /v1/webhooks/:id': () => indistinguishable((id) => asB('GET', `/v1/webhooks/${id}`), a.webhook),
  'PATCH /v1/webhooks/:id': () =>
    indistinguishable((id) => asB('PATCH', `/v1/webhooks/${id}`, { description: 'b' }), a.webhook),
  'DELETE /v1/webhooks/:id': () => indistinguishable((id) => asB('DELETE', `/v1/webhooks/${id}`), a.webhook),
  'POST /v1/webhooks/:id/rotate-secret': () =>
    indistinguishable((id) => asB('POST', `/v1/webhooks/${id}/rotate-secret`, {}), a.webhook),
  'GET /v1/webhooks/:id/deliveries': () =>
    indistinguishable((id) => asB('GET', `/v1/webhooks/${id}/deliveries`), a.webhook),
  'POST /v1/webhooks/:id/replay': () =>
    indistinguishable((id) => asB('POST', `/v1/webhooks/${id}/replay`, {}), a.webhook),

  'GET /v1/dead-letters': async () => blind(await asB('GET', '/v1/dead-letters')),
  'POST /v1/dead-letters/redrive': async () => {
    // A 2xx that lists what it skipped: B must get the same words for A's id as for no id.
    const theirs = await asB('POST', '/v1/dead-letters/redrive', { messageIds: [a.message] });
    const none = await asB('POST', '/v1/dead-letters/redrive', { messageIds: [missing(a.message)] });
    expect(normalized(theirs, a.message)).toEqual(normalized(none, missing(a.message)));
  },

  'POST /v1/channel-accounts': async () =>
    blind(
      await asB('POST', '/v1/channel-accounts', {
        channel: 'telegram',
        name: 'b bot',
        credentials: CONNECTORS.telegram?.sandboxCredentials,
      }),
    ),
  'GET /v1/channel-accounts': async () => blind(await asB('GET', '/v1/channel-accounts')),
  'PATCH /v1/channel-accounts/:id': () =>
    indistinguishable((id) => asB('PATCH', `/v1/channel-accounts/${id}`, { name: 'taken' }), a.line),
  'GET /v1/inbound-events': async () => blind(await asB('GET', '/v1/inbound-events')),
  'GET /v1/account': async () => blind(await asB('GET', '/v1/account')),

  'POST /v1/compat-credentials': async () =>
    // A's user name again: nothing in B's answer may tell that A holds it.
    blind(await asB('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'a-user' })),
  // B registered the user name A holds (above), so it sees that name on its own credential.
  'GET /v1/compat-credentials': async () =>
    blind(await asB('GET', '/v1/compat-credentials'), `${sentByB} a-user`),
  'DELETE /v1/compat-credentials/:id': () =>
    indistinguishable((id) => asB('DELETE', `/v1/compat-credentials/${id}`), a.credential),

  // The façades, with B's credential (its API key) and A's account, contact and message.
  'POST /api/v1/message/push': () =>
    indistinguishable(
      (id) =>
        asB('POST', '/api/v1/message/push', {
          contactable_type: 'App\\LineContact',
          contactable_id: id,
          type: 'text',
          message: 'x',
        }),
      'fl-a-1',
      'fl-a-9',
    ),
  'POST /line/1/single': () =>
    indistinguishable(
      (from) =>
        asB(
          'POST',
          '/line/1/single',
          { from, to: LINE_USER, message: { type: 'TEXT', text: 'x' } },
          { authorization: `Basic ${Buffer.from(`b:${B_KEY}`).toString('base64')}` },
        ),
      a.line,
    ),
  'POST /resources/v1/messaging': () =>
    indistinguishable(
      // A's Messenger account answers to this app id; to B it is an app id like any other.
      (appid) =>
        asB(
          'POST',
          '/resources/v1/messaging',
          {
            deliverychannel: 'fb',
            appid,
            channels: { 'OTT-Messaging': { fb: { text: 'x' } } },
            destination: [{ psid: ['1234567890'] }],
          },
          { key: B_KEY },
        ),
      'a-fb-app',
    ),
  ...konnekChecks(),
};

function konnekChecks(): Record<string, () => Promise<void>> {
  const konnek = { 'auth-username': 'b', 'auth-password': B_KEY };
  const channels = { whatsapp: 'whatsapp', telegram: 'telegram', line: 'line', facebook: 'messenger' };
  const checks: Record<string, () => Promise<void>> = {};
  for (const konnekChannel of Object.keys(channels)) {
    checks[`POST /${konnekChannel}/send/:clientID`] = () =>
      indistinguishable(
        (clientID) =>
          asB(
            'POST',
            `/${konnekChannel}/send/${clientID}`,
            { id: 'k-1', times: '2024-01-01T00:00:00Z', recipient: '123', type: 'text', text: 'x' },
            konnek,
          ),
        a.line,
      );
    checks[`GET /${konnekChannel}/status/:clientID/:messageId`] = () =>
      indistinguishable(
        (messageId) => asB('GET', `/${konnekChannel}/status/${a.line}/${messageId}`, undefined, konnek),
        a.message,
      );
  }
  return checks;
}

const template = (name: string) => ({
  name,
  parameters: [{ name: 'who' }],
  variants: { default: { type: 'text', text: 'Hello {{who}}' } },
});

beforeAll(async () => {
  gw = await startTestGateway({}, { startWorkers: false });
  await gw.store.tenants.ensure('tn_route_walk_b', 'b');
  await gw.store.tenants.addApiKey('tn_route_walk_b', hashApiKey(B_KEY), 'og_tena');
  a.line = gw.accountId('line');
  a.messenger = gw.accountId('messenger');
  const ok = async (res: Promise<ApiResponse>) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
    return r.json;
  };
  await ok(asA('PATCH', `/v1/channel-accounts/${a.messenger}`, { appId: 'a-fb-app' }));
  a.message = (
    await ok(
      asA('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: line('for A only'),
        correlationId: 'a-corr',
      }),
    )
  ).messages[0].id;
  a.contact = (
    await ok(
      asA('POST', '/v1/contacts', {
        name: 'A-secret-contact',
        identities: [
          { channel: 'line', address: lineUser(7) },
          { channel: 'firstline', address: 'fl-a-1' },
        ],
      }),
    )
  ).id;
  await ok(asA('PUT', `/v1/contacts/${a.contact}/consent`, { purpose: 'marketing', status: 'opted_in' }));
  a.conversation = (
    await ok(asA('POST', '/v1/conversations', { contactId: a.contact, channelAccountId: a.line }))
  ).id;
  await ok(asA('PUT', '/v1/frequency-caps/a-promo', { perDay: 2 }));
  a.link = (
    await ok(asA('POST', '/v1/links', { url: 'https://a.example.com/secret-sale', name: 'a-link' }))
  ).id;
  a.template = 'a_secret_template';
  await ok(asA('POST', '/v1/templates', template(a.template)));
  a.webhook = (await ok(asA('POST', '/v1/webhooks', { url: 'https://a.example.com/hook' }))).id;
  const credential = await ok(
    asA('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'a-user' }),
  );
  a.credential = credential.id;
  const account = await ok(asA('GET', '/v1/account'));
  secrets = [
    ...Object.values(a).filter((v) => v !== a.template),
    'A-secret-contact',
    'a-corr',
    'a-user',
    'a-link',
    'secret-sale',
    'a.example.com',
    account.callbackSigningSecret,
    credential.secret,
    ...gw.boot.sandboxAccounts.map((x) => x.id),
  ];
  before = await stateOfA();
});
afterAll(async () => gw?.close());

describe('two tenants, every route', () => {
  it('has a check or a stated reason for every route in the app', () => {
    const routes = gw.app.routeTable
      .list()
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !key.split(' ')[1]!.startsWith(SANDBOX_PREFIX));
    const unchecked = routes.filter((key) => !(key in CHECKS) && !(key in PUBLIC));
    expect(unchecked, 'routes with neither a tenant check nor a reason to be public').toEqual([]);
    const stale = [...Object.keys(CHECKS), ...Object.keys(PUBLIC)].filter((key) => !routes.includes(key));
    expect(stale, 'checks for routes the app no longer has').toEqual([]);
  });

  it.each(Object.keys(CHECKS))('%s: B can read, change or infer nothing of A', async (route) => {
    await CHECKS[route]!();
    expect(await stateOfA()).toBe(before);
  });
});
