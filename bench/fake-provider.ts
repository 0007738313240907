/**
 * The 0 ms provider both systems send to, in its own process (`node --import tsx
 * bench/fake-provider.ts`; it prints its port when ready). It answers at once and counts:
 *   - any POST: a channel's send. Telegram's sendMessage gets the Bot API's own answer
 *     (`{ok, result: Message}`); every other channel but WeChat takes that 2xx as sent too.
 *   - GET /kannel/send: Kannel's generic HTTP SMSC. The answer `Sent. id=<n>` matches the
 *     `status-success-regex` and `generic-foreign-id-regex` of the generated kannel.conf. With
 *     `dlr=<port>` (`--kannel-dlr delivered`) it then reports delivery the way a generic SMSC does:
 *     GET http://127.0.0.1:<port>/?dlr-mask=1&dlr-mid=<n>&to=<to>, on Kannel's SMSC port.
 *   - GET /_bench/stats: hits and the time of the last one; POST /_bench/reset zeroes them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { epochMs } from './timing.ts';

let hits = 0;
let lastHitAt = 0;
let reportsPosted = 0;
let reportFailures = 0;
let nextId = 1;

const reports = new Agent({ connections: 16, keepAliveTimeout: 30_000 });

function hit(): void {
  hits++;
  lastHitAt = epochMs();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const bytes = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bytes) });
  res.end(bytes);
}

function channelSend(req: IncomingMessage, res: ServerResponse, body: string): void {
  hit();
  let chatId: unknown = 0;
  let text: unknown = '';
  if (req.url?.endsWith('/sendMessage')) {
    try {
      const parsed = JSON.parse(body) as { chat_id?: unknown; text?: unknown };
      chatId = parsed.chat_id;
      text = parsed.text;
    } catch {
      json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      return;
    }
  }
  const id = Number(chatId);
  json(res, 200, {
    ok: true,
    result: {
      message_id: nextId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number.isFinite(id) ? id : chatId, type: 'private' },
      text,
    },
  });
}

function kannelSend(url: URL, res: ServerResponse): void {
  hit();
  const id = nextId++;
  const bytes = `Sent. id=${id}`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': bytes.length });
  res.end(bytes);
  const port = url.searchParams.get('dlr');
  if (port) void report(port, id, url.searchParams.get('to') ?? '');
}

async function report(port: string, id: number, to: string): Promise<void> {
  const query = new URLSearchParams({ 'dlr-mask': '1', 'dlr-mid': String(id), to });
  try {
    const res = await request(`http://127.0.0.1:${port}/?${query}`, { dispatcher: reports });
    await res.body.dump();
    if (res.statusCode >= 300) reportFailures++;
    else reportsPosted++;
  } catch {
    reportFailures++;
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/_bench/stats') {
      json(res, 200, { hits, lastHitAt, reportsPosted, reportFailures });
    } else if (url.pathname === '/_bench/reset') {
      hits = 0;
      lastHitAt = 0;
      reportsPosted = 0;
      reportFailures = 0;
      json(res, 200, {});
    } else if (url.pathname === '/kannel/send') {
      kannelSend(url, res);
    } else if (req.method === 'POST') {
      channelSend(req, res, Buffer.concat(chunks).toString('utf8'));
    } else {
      json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
  });
});
// Clients keep their connections; closing idle ones early would add connects to the measure.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`fake provider on ${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void reports.close().finally(() => process.exit(0));
});
