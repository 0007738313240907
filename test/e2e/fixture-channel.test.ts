/**
 * A channel is one folder and one line in the registry. Echo (test/fixtures/channels/echo) lives
 * in the test folder alone; this gateway runs it beside the registry's channels, as its line in
 * src/channels/registry.ts would, and everything the API promises of a channel holds for it: an
 * account through the API, sends that reach its emulator, signed status callbacks, receipts and
 * messages through its webhook, capability refusals, and its column in the published table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS, EMULATORS } from '../../src/channels/registry.ts';
import { verify } from '../../src/webhooks/sign.ts';
import { echoConnector, echoEmulator } from '../fixtures/channels/echo/index.ts';
import { ECHO_SANDBOX_CREDENTIALS } from '../fixtures/channels/echo/options.ts';
import { SIGNATURE_HEADER, signEchoBody } from '../fixtures/channels/echo/provider.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { until } from '../support/until.ts';

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  gw = await startTestGateway(
    {},
    {
      connectors: { ...CONNECTORS, echo: echoConnector },
      emulators: { ...EMULATORS, echo: echoEmulator },
    },
  );
  receiver = await startServer((_r, res) => res.writeHead(204).end());
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

/** Posts an Echo webhook to an account's URL, signed as Echo signs it. */
function postEchoWebhook(
  accountId: string,
  events: unknown[],
  secret: string = ECHO_SANDBOX_CREDENTIALS.signingSecret,
) {
  const raw = JSON.stringify({ events });
  return gw.app.inject({
    method: 'POST',
    url: `/webhooks/echo/${accountId}`,
    payload: raw,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signEchoBody(raw, secret) },
  });
}

describe('a channel from the test folder, registered beside the others', () => {
  it('takes an account over the API, validated by its credentials schema', async () => {
    const bad = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'echo',
      name: 'echo without a secret',
      credentials: { apiToken: ECHO_SANDBOX_CREDENTIALS.apiToken },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].pointer).toMatch(/^\/credentials/);
    const created = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'echo',
      name: 'second echo account',
      credentials: ECHO_SANDBOX_CREDENTIALS,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const accounts = (await gw.api('GET', '/v1/channel-accounts')).json.data as Array<{ channel: string }>;
    expect(accounts.filter((a) => a.channel === 'echo')).toHaveLength(2);

    // Sent through that account, and moved to delivered by a receipt to that account's webhook.
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'echo',
      from: created.json.id,
      to: 'echo:bea',
      message: { type: 'text', text: 'from account two' },
    });
    expect(res.status).toBe(202);
    const sent = await gw.waitForStatus(res.json.messages[0].id, ['sent', 'delivered']);
    expect(sent.providerMessageId).toMatch(/^em_/);
    const receipt = { id: 'ev_manual_1', type: 'read', messageId: sent.providerMessageId, at: Date.now() };
    expect((await postEchoWebhook(created.json.id, [receipt], 'not-the-account-secret')).statusCode).toBe(
      401,
    );
    expect((await postEchoWebhook(created.json.id, [receipt])).statusCode).toBe(200);
    expect((await gw.waitForStatus(res.json.messages[0].id, ['read'])).status).toBe('read');
  });

  it('sends through its emulator, reports each status signed, and is delivered by its receipt', async () => {
    const { json: account } = await gw.api('GET', '/v1/account');
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'echo',
      to: 'echo:ann',
      message: { type: 'text', text: 'Hello, Echo' },
      callbackUrl: `${receiver.url}/echo`,
      callbackEvents: ['*'],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const id = res.json.messages[0].id as string;
    const delivered = await gw.waitForStatus(id, ['delivered']);
    expect(statusesOf(delivered)).toEqual(['accepted', 'queued', 'sending', 'sent', 'delivered']);
    expect(delivered.providerRequest).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      body: { to: 'echo:ann', content: { kind: 'text', text: 'Hello, Echo' } },
    });
    expect(JSON.stringify(delivered.providerRequest)).not.toContain(ECHO_SANDBOX_CREDENTIALS.apiToken);

    const reached = gw.requests('echo', 'echo:ann').at(-1);
    expect(reached).toMatchObject({ status: 200, body: { content: { text: 'Hello, Echo' } } });
    expect(reached?.response).toEqual({ id: delivered.providerMessageId });

    const callbacks = await until(() => (receiver.received.length >= 4 ? receiver.received : undefined));
    const types = callbacks.map((r) => {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
      expect(verify(account.callbackSigningSecret, headers, r.body)).toBe(true);
      const body = JSON.parse(r.body);
      expect(body.data.messageId).toBe(id);
      return body.type;
    });
    expect(types).toEqual(['message.queued', 'message.sending', 'message.sent', 'message.delivered']);
  });

  it('degrades what its capabilities say, and refuses the rest with 422 at the field', async () => {
    const location = await gw.sendAccepted('echo', 'echo:ann', {
      type: 'location',
      latitude: 35.6586,
      longitude: 139.7454,
      title: 'Tokyo Tower',
    });
    const sent = await gw.waitForStatus(location, ['sent', 'delivered']);
    expect(sent.degradations).toEqual([expect.objectContaining({ rule: 'echo_location_as_text' })]);
    expect(gw.requests('echo', 'echo:ann').at(-1)?.body).toMatchObject({
      content: { kind: 'text', text: 'Tokyo Tower (35.6586, 139.7454)' },
    });

    const buttons = await gw.send('echo', 'echo:ann', {
      type: 'buttons',
      text: 'Pick',
      actions: [{ type: 'reply', title: 'A', payload: 'A' }],
    });
    expect(buttons.status).toBe(422);
    expect(buttons.json.code).toBe('GW_CAPABILITY');
    expect(buttons.json.errors).toEqual([
      {
        pointer: '/message/type',
        rule: 'channel_capability',
        detail: expect.stringContaining('Echo has no buttons'),
      },
    ]);

    const long = await gw.send('echo', 'echo:ann', { type: 'text', text: 'x'.repeat(1001) });
    expect(long.status).toBe(422);
    expect(long.json.errors).toEqual([
      expect.objectContaining({ pointer: '/message/text', rule: 'maxLength' }),
    ]);
    expect((await gw.send('echo', 'not-an-echo-handle', { type: 'text', text: 'x' })).status).toBe(400);
  });

  it('takes a person’s message through its signed webhook', async () => {
    await gw.simulateOk('echo', { from: 'echo:cleo', text: 'hi from Echo' });
    const messages = await gw.inbound('message');
    expect(messages.find((m) => m.event['from'] === 'echo:cleo')?.event).toMatchObject({
      text: 'hi from Echo',
      contentType: 'text',
    });
  });

  it('publishes its channel and its capability column', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const body = (path: string) =>
      doc.paths[path].post.requestBody.content['application/json'].schema.properties;
    expect(body('/v1/messages').channel.enum).toContain('echo');
    expect(body('/v1/channel-accounts').channel.enum).toContain('echo');
    const rows = (doc.info.description as string)
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map((line) => line.slice(2, -2).split(' | '));
    const column = rows[0]!.indexOf('Echo');
    expect(column).toBeGreaterThan(0);
    const cell = (kind: string) => rows.find((row) => row[0] === `\`${kind}\``)![column];
    expect(cell('text')).toBe('native');
    expect(cell('location')).toBe('degraded → text: the title and the coordinates');
    expect(cell('buttons')).toBe('refused');
  });
});
