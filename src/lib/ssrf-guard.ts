/**
 * Outbound webhooks go to URLs our tenants choose, so a URL must not be a way into our own network
 * (cloud metadata at 169.254.169.254, an admin port on localhost, a database on 10.x). Addresses
 * that are private, loopback, link-local or otherwise not public are refused unless an allowlist
 * (OMNIGATE_WEBHOOK_ALLOWLIST: CIDRs and host names) permits them.
 *
 * The check runs on the address actually connected to (a DNS lookup hook), not only on the URL, so
 * a name that resolves to a private address, or re-resolves to one later (DNS rebinding), is
 * refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const NOT_PUBLIC_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const NOT_PUBLIC_V6 = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const;

const notPublic = new BlockList();
for (const [net, prefix] of NOT_PUBLIC_V4) notPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of NOT_PUBLIC_V6) notPublic.addSubnet(net, prefix, 'ipv6');

/** The error code of a destination the guard refused; retrying cannot help. */
export const FORBIDDEN_DESTINATION = 'FORBIDDEN_DESTINATION';

export class ForbiddenDestinationError extends Error {
  readonly code = FORBIDDEN_DESTINATION;
}

export class DestinationGuard {
  private readonly allowedNets = new BlockList();
  private readonly allowedHosts = new Set<string>();

  /** `allowlist`: CIDRs (`127.0.0.1/32`, `fd00::/8`), single addresses, or host names. */
  constructor(allowlist: readonly string[] = []) {
    for (const entry of allowlist.map((e) => e.trim()).filter(Boolean)) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) {
        this.allowedHosts.add(entry.toLowerCase());
        continue;
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.allowedNets.addAddress(address, type);
      else this.allowedNets.addSubnet(address, Number(prefix), type);
    }
  }

  /** Why an address may not be connected to, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address it maps.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped !== undefined) return this.refusal(mapped);
    if (this.allowedNets.check(address, type)) return undefined;
    return notPublic.check(address, type)
      ? `${address} is a private, loopback or reserved address (allow it with OMNIGATE_WEBHOOK_ALLOWLIST)`
      : undefined;
  }

  /**
   * Why a URL may not be called before any lookup: a literal address that is not public. Names
   * are checked when they resolve (`lookup`), unless the allowlist names them.
   */
  urlRefusal(url: string): string | undefined {
    let host: string;
    try {
      host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      return 'not a URL';
    }
    if (this.allowedHosts.has(host)) return undefined;
    return isIP(host) ? this.refusal(host) : undefined;
  }

  /** A `lookup` for net.connect that refuses names resolving to addresses this guard refuses. */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const allowedName = this.allowedHosts.has(hostname.toLowerCase());
      const usable = allowedName ? addresses : addresses.filter((a) => this.refusal(a.address) === undefined);
      if (usable.length === 0) {
        const why = addresses.map((a) => this.refusal(a.address)).find(Boolean) ?? 'no address';
        return callback(new ForbiddenDestinationError(`${hostname}: ${why}`), '');
      }
      if (options.all) return callback(null, usable);
      const first = usable[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}
