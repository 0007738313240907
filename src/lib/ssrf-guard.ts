/**
 * Outbound webhooks go to URLs our tenants choose, so a URL must not be a way into our own network
 * (cloud metadata at 169.254.169.254, an admin port on localhost, a database on 10.x). Addresses
 * in any special-purpose block (`special-addresses.ts`) are refused unless an allowlist
 * (OMNIGATE_WEBHOOK_ALLOWLIST: CIDRs and host names) permits them; IPv6 forms that carry an IPv4
 * address are judged by that address, so ::ffff:0:127.0.0.1 or 2002:7f00::1 is 127.0.0.1.
 *
 * The check runs on the address actually connected to (a DNS lookup hook), not only on the URL, so
 * a name that resolves to a private address, or re-resolves to one later (DNS rebinding), is
 * refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  EMBEDDING_IPV6,
  GLOBAL_UNICAST_IPV6,
  SPECIAL_IPV4,
  SPECIAL_IPV6,
  type SpecialBlock,
} from './special-addresses.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

interface ParsedBlock<B extends SpecialBlock> {
  range: Range;
  block: B;
}

const parseBlocks = <B extends SpecialBlock>(blocks: readonly B[]): ParsedBlock<B>[] =>
  blocks.map((block) => ({ range: ipaddr.parseCIDR(block.cidr), block }));

const V4_BLOCKS = parseBlocks(SPECIAL_IPV4);
// Embedding blocks and refused blocks in one list, so the most specific match decides (Teredo
// inside 2001::/23, ::1 inside the IPv4-compatible ::/96).
const V6_BLOCKS: ParsedBlock<SpecialBlock & { carried?: (a: ipaddr.IPv6) => ipaddr.IPv4[] }>[] = [
  ...parseBlocks(SPECIAL_IPV6),
  ...parseBlocks(EMBEDDING_IPV6),
];
const GLOBAL_UNICAST = ipaddr.parseCIDR(GLOBAL_UNICAST_IPV6);

/** Resolves every address of a name, as `dns.lookup` with `all: true` does (tests substitute it). */
export type ResolveAll = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** The error code of a destination the guard refused; retrying cannot help. */
export const FORBIDDEN_DESTINATION = 'FORBIDDEN_DESTINATION';

export class ForbiddenDestinationError extends Error {
  readonly code = FORBIDDEN_DESTINATION;
}

export class DestinationGuard {
  private readonly allowedNets: Range[] = [];
  private readonly allowedHosts = new Set<string>();
  private readonly resolveAll: ResolveAll;

  /** `allowlist`: CIDRs (`127.0.0.1/32`, `fd00::/8`), single addresses, or host names. */
  constructor(allowlist: readonly string[] = [], resolveAll: ResolveAll = dnsLookup) {
    this.resolveAll = resolveAll;
    for (const entry of allowlist.map((e) => e.trim()).filter(Boolean)) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) {
        this.allowedHosts.add(entry.toLowerCase());
        continue;
      }
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      this.allowedNets.push([ipaddr.parse(address), bits]);
    }
  }

  /** Why an address may not be connected to, or undefined when it may. */
  refusal(address: string): string | undefined {
    if (isIP(address) === 0) return `${address} is not an IP address`;
    const why = this.judge(parseAddress(address));
    return why === undefined
      ? undefined
      : `${address} is a private, loopback or reserved address (${why}; allow it with OMNIGATE_WEBHOOK_ALLOWLIST)`;
  }

  /** The block that rules an address out, or undefined for a public (or allowed) one. */
  private judge(address: Address): string | undefined {
    if (this.allowedNets.some((net) => matches(address, net))) return undefined;
    if (address.kind() === 'ipv4') {
      const hit = V4_BLOCKS.find((b) => matches(address, b.range));
      return hit && describe(hit.block);
    }
    const hit = mostSpecific(V6_BLOCKS.filter((b) => matches(address, b.range)));
    if (hit === undefined) {
      return matches(address, GLOBAL_UNICAST) ? undefined : 'outside 2000::/3, not global unicast';
    }
    if (hit.block.carried === undefined) return describe(hit.block);
    for (const carried of hit.block.carried(address as ipaddr.IPv6)) {
      const why = this.judge(carried);
      if (why !== undefined) return `${describe(hit.block)} carrying ${carried.toString()}: ${why}`;
    }
    return undefined;
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
    this.resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
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

/**
 * ipaddr.js reads the deprecated IPv4-compatible ::a.b.c.d as IPv4-mapped ::ffff:a.b.c.d; the URL
 * parser's canonical form (::7f00:1) keeps the two apart.
 */
function parseAddress(text: string): Address {
  if (isIP(text) === 6 && text.includes('.') && !text.includes('%')) {
    return ipaddr.parse(new URL(`http://[${text}]/`).hostname.slice(1, -1));
  }
  return ipaddr.parse(text);
}

function matches(address: Address, [net, bits]: Range): boolean {
  return address.kind() === net.kind() && address.match(net, bits);
}

function mostSpecific<B extends SpecialBlock>(hits: ParsedBlock<B>[]): ParsedBlock<B> | undefined {
  return hits.reduce<ParsedBlock<B> | undefined>(
    (best, b) => (!best || b.range[1] > best.range[1] ? b : best),
    undefined,
  );
}

function describe(block: SpecialBlock): string {
  return `${block.cidr} ${block.name}, ${block.rfc}`;
}
