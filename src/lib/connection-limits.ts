/**
 * Limits on what one client can hold open. Node's own timeouts bound how long a request may take
 * to arrive (headers, then the whole request), but are only checked every
 * `connectionsCheckingInterval` (30 s by default), which let a client trickling bytes keep a
 * connection for over a minute; and nothing bounded how many connections one address opens.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface ConnectionLimits {
  /** All request headers must have arrived within this (from the connection's first byte). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this. */
  requestTimeoutMs: number;
  /** Connections one address may hold open at once; more are closed as they arrive. */
  maxPerClient: number;
  /** CIDRs the per-client limit does not apply to (loopback by default: the machine's own processes). */
  exempt: readonly string[];
}

/**
 * Options for http.createServer. The check interval is a fraction of the headers timeout, so a
 * timed-out connection is closed within a quarter of it rather than up to 30 s late.
 */
export function serverTimeouts(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Closes each connection that would take its address over `maxPerClient`. */
export function limitConnectionsPerClient(server: Server, limits: ConnectionLimits): void {
  const exempt = limits.exempt.map((cidr) =>
    cidr.includes('/')
      ? ipaddr.parseCIDR(cidr)
      : ([ipaddr.parse(cidr), cidr.includes(':') ? 128 : 32] as const),
  );
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = clientKey(socket.remoteAddress);
    if (client === undefined) return;
    if (exempt.some(([net, bits]) => client.kind() === net.kind() && client.match(net, bits))) return;
    const key = client.toString();
    const count = (open.get(key) ?? 0) + 1;
    if (count > limits.maxPerClient) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

/** A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; they count as the IPv4 address. */
function clientKey(remote: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (remote === undefined || !ipaddr.isValid(remote)) return undefined;
  return ipaddr.process(remote);
}
