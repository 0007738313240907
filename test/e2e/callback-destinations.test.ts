/**
 * Callback URLs are chosen by tenants, so they may not point into the gateway's own network unless
 * OMNIGATE_WEBHOOK_ALLOWLIST says so: literal addresses are refused at accept time, names that
 * resolve to such addresses when the callback is delivered.
 */
import { lookup } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolveAll } from '../../src/lib/ssrf-guard.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

/**
 * One address in every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries (and
 * the non-unicast blocks of the address-space registries), written out here rather than read
 * from the guard's own table, so a block missing there fails here. IPv6 forms that carry an IPv4
 * address carry a private or loopback one.
 */
const NOT_PUBLIC = [
  // IPv4 special-purpose registry
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.8',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.0.9',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.1',
  '192.0.0.8',
  '192.0.0.9',
  '192.0.0.10',
  '192.0.0.170',
  '192.0.0.171',
  '192.0.0.255',
  '192.0.2.1',
  '192.31.196.1',
  '192.52.193.1',
  '192.88.99.1',
  '192.88.99.2',
  '192.168.1.1',
  '192.175.48.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.1',
  '203.0.113.1',
  '240.0.0.1',
  '255.255.255.254',
  '255.255.255.255',
  // IPv4 address space: multicast
  '224.0.0.1',
  '239.255.255.250',
  // IPv6 special-purpose registry
  '::1',
  '::',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  '64:ff9b::7f00:1',
  '64:ff9b::10.1.2.3',
  '64:ff9b::192.168.0.1',
  '64:ff9b:1::1',
  '64:ff9b:1::8.8.8.8',
  '100::1',
  '100:0:0:1::1',
  '2001:1::1',
  '2001:1::2',
  '2001:1::3',
  '2001:2::1',
  '2001:3::1',
  '2001:4:112::1',
  '2001:10::1',
  '2001:20::1',
  '2001:30::1',
  '2001:1ff::1',
  '2001:db8::1',
  '2620:4f:8000::1',
  '3fff::1',
  '5f00::1',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'febf::1',
  // Teredo: server 127.0.0.1, or client 10.0.0.1 (bit-inverted)
  '2001:0:7f00:1::1',
  '2001:0:808:808::f5ff:fffe',
  // 6to4 over loopback and private IPv4
  '2002:7f00::1',
  '2002:a00:1::1',
  '2002:c0a8:101::1',
  // IPv4-compatible and IPv4-translated (SIIT) forms
  '::127.0.0.1',
  '::10.0.0.1',
  '::ffff:0:127.0.0.1',
  '::ffff:0:a9fe:a9fe',
  // IPv6 address space: deprecated site-local, multicast, and outside global unicast 2000::/3
  'fec0::1',
  'feff::1',
  'ff02::1',
  'ff0e::1',
  '1::1',
  '4000::1',
  'e000::1',
];

const literal = (address: string) => (address.includes(':') ? `[${address}]` : address);
const nameOf = (i: number) => `special-${i}.hooks.test`;

/** Resolves `special-<i>.hooks.test` to NOT_PUBLIC[i], as a hostile DNS answer would. */
const resolveAll: ResolveAll = (hostname, options, callback) => {
  const i = /^special-(\d+)\.hooks\.test$/.exec(hostname)?.[1];
  if (i === undefined) return lookup(hostname, options, callback);
  const address = NOT_PUBLIC[Number(i)] as string;
  callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
};

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  gw = await startTestGateway({ OMNIGATE_WEBHOOK_ALLOWLIST: '' }, { resolveAll });
  receiver = await startServer((_r, res) => res.writeHead(204).end());
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const send = (callbackUrl: string) =>
  gw.api('POST', '/v1/messages', {
    channel: 'line',
    to: LINE_USER,
    message: { type: 'text', text: 'hi' },
    callbackUrl,
  });

describe('callback destinations', () => {
  it.each([
    'http://127.0.0.1:9/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.8/hook',
    'http://[::1]:9/hook',
    'http://[::ffff:192.168.0.1]/hook',
  ])('refuses %s at accept time, naming the field, and stores nothing', async (url) => {
    const before = (await gw.api('GET', '/v1/messages?limit=100')).json.data.length;
    const res = await send(url);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      expect.objectContaining({ pointer: '/callbackUrl', rule: 'public_address' }),
    ]);
    expect((await gw.api('GET', '/v1/messages?limit=100')).json.data.length).toBe(before);
  });

  it('refuses every special-purpose address literal at accept time', async () => {
    const answers = await Promise.all(NOT_PUBLIC.map((a) => send(`http://${literal(a)}/hook`)));
    const accepted = NOT_PUBLIC.filter((_, i) => answers[i]?.status !== 400);
    expect(accepted).toEqual([]);
    for (const res of answers) {
      expect(res.json.errors).toEqual([
        expect.objectContaining({ pointer: '/callbackUrl', rule: 'public_address' }),
      ]);
    }
  });

  it('refuses at delivery every name that resolves to a special-purpose address', async () => {
    const ids = await Promise.all(
      NOT_PUBLIC.map(async (_, i) => {
        const res = await send(`http://${nameOf(i)}/hook`);
        expect(res.status).toBe(202);
        return res.json.messages[0].id as string;
      }),
    );
    const deadline = Date.now() + 20_000;
    const settled = async () => Promise.all(ids.map((id) => gw.store.callbacks.list('tn_default', id)));
    let deliveries = await settled();
    while (
      deliveries.some((d) => d.length === 0 || d.some((c) => c.state !== 'failed')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = await settled();
    }
    deliveries.forEach((forMessage, i) => {
      expect(forMessage.length, NOT_PUBLIC[i]).toBeGreaterThan(0);
      for (const d of forMessage) {
        expect({ address: NOT_PUBLIC[i], state: d.state, attempts: d.attempts }).toEqual({
          address: NOT_PUBLIC[i],
          state: 'failed',
          attempts: 1,
        });
        expect(d.lastError).toMatch(new RegExp(`FORBIDDEN_DESTINATION.*${nameOf(i).replaceAll('.', '\\.')}`));
      }
    });
  });

  it('refuses at delivery a name that resolves to loopback, and does not retry it', async () => {
    const port = new URL(receiver.url).port;
    const res = await send(`http://localhost:${port}/hook`);
    expect(res.status).toBe(202);
    const id = res.json.messages[0].id;
    await gw.waitForStatus(id, ['sent']);
    const deadline = Date.now() + 5_000;
    let deliveries = await gw.store.callbacks.list('tn_default', id);
    while (deliveries.some((d) => d.state !== 'failed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      deliveries = await gw.store.callbacks.list('tn_default', id);
    }
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) {
      expect(d.state).toBe('failed');
      expect(d.attempts).toBe(1);
      expect(d.lastError).toMatch(/FORBIDDEN_DESTINATION.*localhost/);
    }
    expect(receiver.received).toHaveLength(0);
  });
});
