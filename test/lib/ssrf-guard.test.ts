import { describe, expect, it } from 'vitest';
import { DestinationGuard } from '../../src/lib/ssrf-guard.ts';

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

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.4.4'])(
    'allows public %s',
    (address) => {
      expect(guard.refusal(address)).toBeUndefined();
    },
  );

  it('checks literal addresses in URLs and leaves names to the lookup', () => {
    expect(guard.urlRefusal('http://127.0.0.1:8080/hook')).toMatch(/127\.0\.0\.1/);
    expect(guard.urlRefusal('http://[::1]/hook')).toMatch(/::1/);
    expect(guard.urlRefusal('http://169.254.169.254/latest/meta-data')).toBeDefined();
    expect(guard.urlRefusal('https://hooks.example.com/x')).toBeUndefined();
  });

  it('lets an allowlist open networks, single addresses and names', () => {
    const allowing = new DestinationGuard(['10.0.0.0/8', '192.168.1.5', 'internal.example']);
    expect(allowing.refusal('10.9.9.9')).toBeUndefined();
    expect(allowing.refusal('192.168.1.5')).toBeUndefined();
    expect(allowing.refusal('192.168.1.6')).toBeDefined();
    expect(allowing.urlRefusal('http://internal.example/hook')).toBeUndefined();
  });

  it('refuses a name that resolves only to non-public addresses, at connect time', async () => {
    const result = await new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guard.lookup('localhost', { all: true }, (err, address) => resolve({ err, address })),
    );
    expect(result.err?.message).toMatch(/localhost: .*(127\.0\.0\.1|::1)/);
  });
});
