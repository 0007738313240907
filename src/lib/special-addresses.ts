/**
 * Address blocks a tenant's callback may not reach, as data.
 *
 * Sources (checked 2026-12):
 * - IANA IPv4 Special-Purpose Address Registry,
 *   https://www.iana.org/assignments/iana-ipv4-special-registry/
 * - IANA IPv6 Special-Purpose Address Registry,
 *   https://www.iana.org/assignments/iana-ipv6-special-registry/
 * - blocks of the IANA IPv4 / IPv6 Address Space registries that are not unicast or were withdrawn
 *   (multicast, deprecated site-local), marked `space`.
 *
 * Every block is refused, including the few the registry calls globally reachable (anycast
 * relays, AS112 sinks, ORCHID): none is a place a webhook receiver lives. ipaddr.js's own
 * `range()` misses several of these (fec0::/10, 3fff::/20, 5f00::/16, 64:ff9b:1::/48,
 * 2620:4f:8000::/48, 100:0:0:1::/64, 192.0.0.0/24's sub-blocks), so it is used to parse and
 * match, not to classify.
 *
 * IPv6 forms that carry an IPv4 address (`embeds`) are judged by the IPv4 they carry instead:
 * NAT64 to a public address is how an IPv6-only host reaches the IPv4 internet, while NAT64, 6to4
 * or Teredo over 127.0.0.1 is a way around an IPv4-only check.
 */
import ipaddr from 'ipaddr.js';

export interface SpecialBlock {
  readonly cidr: string;
  readonly name: string;
  readonly rfc: string;
}

export const SPECIAL_IPV4: readonly SpecialBlock[] = [
  { cidr: '0.0.0.0/8', name: 'This network', rfc: 'RFC 791' },
  { cidr: '0.0.0.0/32', name: 'This host on this network', rfc: 'RFC 1122' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890' },
  { cidr: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix', rfc: 'RFC 7335' },
  { cidr: '192.0.0.8/32', name: 'IPv4 dummy address', rfc: 'RFC 7600' },
  { cidr: '192.0.0.9/32', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723' },
  { cidr: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155' },
  { cidr: '192.0.0.170/32', name: 'NAT64/DNS64 Discovery', rfc: 'RFC 8880' },
  { cidr: '192.0.0.171/32', name: 'NAT64/DNS64 Discovery', rfc: 'RFC 8880' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535' },
  { cidr: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450' },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: 'RFC 7526' },
  { cidr: '192.88.99.2/32', name: '6a44-relay anycast address', rfc: 'RFC 6751' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { cidr: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112' },
  { cidr: '255.255.255.255/32', name: 'Limited Broadcast', rfc: 'RFC 8190' },
  // IPv4 Address Space registry.
  { cidr: '224.0.0.0/4', name: 'Multicast (space)', rfc: 'RFC 5771' },
];

export const SPECIAL_IPV6: readonly SpecialBlock[] = [
  { cidr: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291' },
  { cidr: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291' },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translat. (local use)', rfc: 'RFC 8215' },
  { cidr: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666' },
  { cidr: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', rfc: 'RFC 9780' },
  { cidr: '2001::/23', name: 'IETF Protocol Assignments', rfc: 'RFC 2928' },
  { cidr: '2001:1::1/128', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723' },
  { cidr: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155' },
  { cidr: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast', rfc: 'RFC 9665' },
  { cidr: '2001:2::/48', name: 'Benchmarking', rfc: 'RFC 5180' },
  { cidr: '2001:3::/32', name: 'AMT', rfc: 'RFC 7450' },
  { cidr: '2001:4:112::/48', name: 'AS112-v6', rfc: 'RFC 7535' },
  { cidr: '2001:10::/28', name: 'Deprecated (previously ORCHID)', rfc: 'RFC 4843' },
  { cidr: '2001:20::/28', name: 'ORCHIDv2', rfc: 'RFC 7343' },
  { cidr: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', rfc: 'RFC 9374' },
  { cidr: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { cidr: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { cidr: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { cidr: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193' },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291' },
  // IPv6 Address Space registry.
  { cidr: 'fec0::/10', name: 'Site-Local, deprecated (space)', rfc: 'RFC 3879' },
  { cidr: 'ff00::/8', name: 'Multicast (space)', rfc: 'RFC 4291' },
];

/** IPv6 blocks that carry an IPv4 address; the IPv4 decides. */
export const EMBEDDING_IPV6: readonly (SpecialBlock & { carried(a: ipaddr.IPv6): ipaddr.IPv4[] })[] = [
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address', rfc: 'RFC 4291', carried: (a) => [low32(a)] },
  // SIIT's IPv4-translated form, ::ffff:0:a.b.c.d.
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated Address', rfc: 'RFC 2765', carried: (a) => [low32(a)] },
  // Deprecated IPv4-compatible form, ::a.b.c.d; :: and ::1 are matched above it.
  { cidr: '::/96', name: 'IPv4-compatible Address', rfc: 'RFC 4291', carried: (a) => [low32(a)] },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translat.', rfc: 'RFC 6052', carried: (a) => [low32(a)] },
  { cidr: '2002::/16', name: '6to4', rfc: 'RFC 3056', carried: (a) => [v4(a.parts[1]!, a.parts[2]!)] },
  // Teredo: the server's IPv4 in bits 32-63, the client's (bit-inverted) in the last 32; a
  // packet travels to both, so both decide.
  {
    cidr: '2001::/32',
    name: 'TEREDO',
    rfc: 'RFC 4380',
    carried: (a) => [v4(a.parts[2]!, a.parts[3]!), v4(~a.parts[6]! & 0xffff, ~a.parts[7]! & 0xffff)],
  },
];

/**
 * Only 2000::/3 is allocated for global unicast; any other IPv6 address (outside the blocks above
 * that carry IPv4) is reserved by the IETF and cannot be a public destination.
 */
export const GLOBAL_UNICAST_IPV6 = '2000::/3';

function low32(a: ipaddr.IPv6): ipaddr.IPv4 {
  return v4(a.parts[6]!, a.parts[7]!);
}

function v4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
