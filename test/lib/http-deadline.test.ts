import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, TransportError } from '../../src/lib/http.ts';

/** A provider on loopback that answers each POST after `delayMs`, or trickles its body. */
async function slowProvider(delayMs: number, trickle = false): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (trickle) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const tick = setInterval(() => res.write(' '), delayMs);
        res.on('close', () => clearInterval(tick));
        return;
      }
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        delayMs,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`, server };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TransportError ? e.phase : 'other'),
  );

describe('provider deadline counts from the wire', () => {
  let server: Server | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('a send that waited for a connection still gets its whole timeout', async () => {
    const provider = await slowProvider(1_500);
    server = provider.server;
    // Twice as many sends as connections: the second wave waits ~1.5 s for a connection, then
    // takes 1.5 s itself, 3 s after the call against a 2 s timeout.
    client = new HttpClient({ connections: 4, timeoutMs: 2_000 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => outcome(client!.post(provider.url, {}, {}))),
    );
    expect(results).toEqual(Array(8).fill('ok'));
  });

  it('a provider slower than the timeout is still maybe_sent', async () => {
    const provider = await slowProvider(1_500);
    server = provider.server;
    client = new HttpClient({ connections: 4, timeoutMs: 700 });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 2 }, () => outcome(client!.post(provider.url, {}, {}))),
    );
    expect(results).toEqual(['maybe_sent', 'maybe_sent']);
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('a provider trickling its body is cut off at the timeout', async () => {
    const provider = await slowProvider(100, true);
    server = provider.server;
    client = new HttpClient({ connections: 1, timeoutMs: 800 });
    const started = Date.now();
    expect(await outcome(client.post(provider.url, {}, {}))).toBe('maybe_sent');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
