/**
 * A client that trickles its headers or body, or opens connection after connection, must not
 * hold the server's connections: real sockets against a listening gateway, with the timeouts
 * and the per-client limit set low. The test's sockets come from 127.0.0.2, so the gateway's own
 * loopback traffic (127.0.0.1) stays exempt as by default.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../support/gateway.ts';

const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;
const PER_CLIENT = 6;
/** Node checks timeouts every quarter of the headers timeout here; the rest is room for a loaded machine. */
const SLACK_MS = 1_500;

let gw: TestGateway;
let port: number;
beforeAll(async () => {
  gw = await startTestGateway({
    OMNIGATE_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
    OMNIGATE_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    OMNIGATE_MAX_CONNECTIONS_PER_CLIENT: String(PER_CLIENT),
    OMNIGATE_CONNECTION_LIMIT_EXEMPT: '127.0.0.1/32,::1/128',
  });
  port = Number(new URL(gw.url).port);
});
afterAll(async () => {
  await gw.close();
});

interface Client {
  socket: Socket;
  openedAt: number;
  /** Milliseconds from connecting until the server closed the connection. */
  closed: Promise<number>;
  received: () => string;
}

async function open(): Promise<Client> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString();
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const openedAt = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)));
  return { socket, openedAt, closed, received: () => received };
}

/** Writes `text` one byte every `everyMs` until the connection closes or the text runs out. */
function trickle(client: Client, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (client.socket.destroyed || i >= text.length) return clearInterval(timer);
    client.socket.write(text[i++] as string);
  }, everyMs);
  client.socket.once('close', () => clearInterval(timer));
}

const within = (closed: Promise<number>, ms: number) =>
  Promise.race([closed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);

describe('slow clients', () => {
  it('closes a connection whose headers trickle in, within the headers timeout', async () => {
    const client = await open();
    trickle(client, `GET /v1/messages HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`, 100);
    const held = await within(client.closed, HEADERS_MS + SLACK_MS + 1_000);
    expect(held).toBeTypeOf('number');
    expect(held).toBeLessThanOrEqual(HEADERS_MS + SLACK_MS);
  });

  it('closes a connection that sends nothing, within the headers timeout', async () => {
    const client = await open();
    const held = await within(client.closed, HEADERS_MS + SLACK_MS + 1_000);
    expect(held).toBeTypeOf('number');
    expect(held).toBeLessThanOrEqual(HEADERS_MS + SLACK_MS);
  });

  it('closes a connection whose body trickles in, within the request timeout', async () => {
    const client = await open();
    const body = JSON.stringify({
      channel: 'line',
      to: 'U'.padEnd(33, '0'),
      message: { type: 'text', text: 'x'.repeat(400) },
    });
    client.socket.write(
      `POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    trickle(client, body, 50);
    const held = await within(client.closed, REQUEST_MS + SLACK_MS + 1_000);
    expect(held).toBeTypeOf('number');
    expect(held).toBeLessThanOrEqual(REQUEST_MS + SLACK_MS);
    expect(client.received()).not.toMatch(/^HTTP\/1\.1 202/);
  });

  it('answers a prompt client over a real socket', async () => {
    const client = await open();
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it(`closes connections beyond ${PER_CLIENT} from one address at once, and takes new ones as others close`, async () => {
    // Each makes a request and stays open, kept alive, so the headers timeout does not close it.
    const first = await Promise.all(
      Array.from({ length: PER_CLIENT }, async () => {
        const c = await open();
        c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        while (!c.received().includes('\r\n\r\n')) await new Promise((r) => setTimeout(r, 10));
        return c;
      }),
    );
    const extra = await Promise.all(Array.from({ length: 3 }, open));
    for (const c of extra) expect(await within(c.closed, 2_000)).toBeTypeOf('number');
    for (const c of first) expect(c.socket.destroyed).toBe(false);
    // The limit counts open connections: one closing makes room for one more.
    const gone = first[0] as Client;
    gone.socket.destroy();
    await gone.closed;
    await new Promise((r) => setTimeout(r, 50));
    const next = await open();
    next.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await next.closed;
    expect(next.received()).toMatch(/^HTTP\/1\.1 200/);
    for (const c of first) c.socket.destroy();
  });

  it('answers headers over the size limit and bytes that are not HTTP with problem+json', async () => {
    const problemOf = (raw: string) => {
      const [head, body] = raw.split('\r\n\r\n');
      return { head: head ?? '', body: JSON.parse(body ?? '') };
    };
    const big = await open();
    big.socket.write(`GET /v1/messages HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await big.closed;
    const tooLarge = problemOf(big.received());
    expect(tooLarge.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooLarge.head).toMatch(/content-type: application\/problem\+json/i);
    expect(tooLarge.body).toMatchObject({ status: 431, code: 'GW_HEADERS_TOO_LARGE' });

    const garbled = await open();
    garbled.socket.write('NOT HTTP AT ALL\r\n\r\n');
    await garbled.closed;
    const bad = problemOf(garbled.received());
    expect(bad.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(bad.body).toMatchObject({ status: 400, code: 'GW_BAD_REQUEST', request_id: expect.any(String) });
  });
});
