/**
 * A loopback TCP relay in front of a server (PostgreSQL, Redis) that a test can break the way a
 * network does: `cut` resets every connection through it (the peers see ECONNRESET) and keeps
 * accepting new ones; `close` also stops listening (new connections are refused); `open` listens
 * again on the same port.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpGate {
  readonly port: number;
  /** Resets every open connection; new ones are still let through. */
  cut(): void;
  /** Resets every open connection and refuses new ones until `open`. */
  close(): Promise<void>;
  open(): Promise<void>;
}

export async function startTcpGate(targetHost: string, targetPort: number): Promise<TcpGate> {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let port = 0;
  const cut = () => {
    // resetAndDestroy sends RST rather than FIN: the peer's next read fails with ECONNRESET.
    for (const s of sockets) if (!s.destroyed) s.resetAndDestroy();
    sockets.clear();
  };
  const open = async () => {
    const relay = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    port = (relay.address() as { port: number }).port;
    server = relay;
  };
  await open();
  return {
    get port() {
      return port;
    },
    cut,
    open,
    async close() {
      const closing = server;
      server = undefined;
      cut();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}
