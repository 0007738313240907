import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { SPECIAL_IPV4, SPECIAL_IPV6 } from '../../src/lib/special-addresses.ts';
import { DestinationGuard, type ResolveAll } from '../../src/lib/ssrf-guard.ts';

/** The first and last address of a block. */
function ends(cidr: string): [string, string] {
  const v6 = cidr.includes(':');
  const family = v6 ? ipaddr.IPv6 : ipaddr.IPv4;
  const first = family.networkAddressFromCIDR(cidr);
  const last = family.broadcastAddressFromCIDR(cidr);
  const text = (a: ipaddr.IPv4 | ipaddr.IPv6) =>
    v6 ? (a as ipaddr.IPv6).toNormalizedString() : a.toString();
  return [text(first), text(last)];
}

describe('destination guard', () => {
  const guard = new DestinationGuard();

  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('refuses %s', (address) => {
    expect(guard.refusal(address)).toMatch(/private, loopback or reserved/);
  });

  it.each([...SPECIAL_IPV4, ...SPECIAL_IPV6].flatMap((b) => ends(b.cidr).map((a) => [a, b.cidr])))(
    'refuses %s (first or last of %s)',
    (address) => {
      expect(guard.refusal(address)).toMatch(/private, loopback or reserved/);
    },
  );

  it.each([
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['2002:7f00::1', '6to4'],
    ['2002:a9fe:a9fe::', '6to4'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['64:ff9b::c0a8:1', 'NAT64'],
    ['2001:0:7f00:1::', 'Teredo server'],
    ['2001:0:808:808:0:0:80ff:fffe', 'Teredo client (127.0.0.1 inverted)'],
  ])('judges %s (%s) by the IPv4 it carries', (address) => {
    expect(guard.refusal(address)).toMatch(/carrying .*(Loopback|Private-Use|Link Local)/);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.4.4'])(
    'allows public %s',
    (address) => {
      expect(guard.refusal(address)).toBeUndefined();
    },
  );

  it.each(['64:ff9b::808:808', '2002:808:808::1', '2001:0:808:808:0:0:f7f7:f7f7', '::ffff:0:808:808'])(
    'allows %s, which carries a public IPv4',
    (address) => {
      expect(guard.refusal(address)).toBeUndefined();
    },
  );

  it('checks literal addresses in URLs and leaves names to the lookup', () => {
    expect(guard.urlRefusal('http://127.0.0.1:8080/hook')).toMatch(/127\.0\.0\.1/);
    expect(guard.urlRefusal('http://[::1]/hook')).toMatch(/::1/);
    expect(guard.urlRefusal('http://169.254.169.254/latest/meta-data')).toBeDefined();
    expect(guard.urlRefusal('https://hooks.example.com/x')).toBeUndefined();
    // The URL parser rewrites these to ::7f00:1 and ::ffff:0:7f00:1; still loopback.
    expect(guard.urlRefusal('http://[::127.0.0.1]/hook')).toBeDefined();
    expect(guard.urlRefusal('http://[::ffff:0:127.0.0.1]/hook')).toBeDefined();
    expect(guard.urlRefusal('http://2130706433/hook')).toBeDefined();
  });

  it('lets an allowlist open networks, single addresses and names', () => {
    const allowing = new DestinationGuard(['10.0.0.0/8', '192.168.1.5', 'internal.example']);
    expect(allowing.refusal('10.9.9.9')).toBeUndefined();
    expect(allowing.refusal('192.168.1.5')).toBeUndefined();
    expect(allowing.refusal('192.168.1.6')).toBeDefined();
    expect(allowing.urlRefusal('http://internal.example/hook')).toBeUndefined();
    // An allowed IPv4 network is allowed in the IPv6 forms that carry it too.
    expect(allowing.refusal('::ffff:10.1.1.1')).toBeUndefined();
    expect(allowing.refusal('2002:a01:101::1')).toBeUndefined();
  });

  it('at connect, drops refused addresses of a name and keeps the public ones', async () => {
    const resolve: ResolveAll = (_host, _options, callback) =>
      callback(null, [
        { address: '2002:7f00::1', family: 6 },
        { address: '64:ff9b::808:808', family: 6 },
      ]);
    const resolving = new DestinationGuard([], resolve);
    const result = await new Promise<{ err: Error | null; address: unknown }>((done) =>
      resolving.lookup('mixed.example', { all: true }, (err, address) => done({ err, address })),
    );
    expect(result).toEqual({ err: null, address: [{ address: '64:ff9b::808:808', family: 6 }] });
  });

  it('refuses a name that resolves only to non-public addresses, at connect time', async () => {
    const result = await new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guard.lookup('localhost', { all: true }, (err, address) => resolve({ err, address })),
    );
    expect(result.err?.message).toMatch(/localhost: .*(127\.0\.0\.1|::1)/);
  });
});
