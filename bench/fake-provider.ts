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
 * The scenarios steer it through the text of the message, so only the messages that ask for it are
 * affected and the workloads' own sends stay at 0 ms:
 *   - `bench-delay=<ms>` in the request body: answers after that long (a slow provider);
 *   - `bench-status=<code>` (a 4xx or 5xx): answers with that error (a failing provider, which
 *     opens the account's breaker);
 *   - `probe-<label>`: the time of the hit is kept under the label; GET /_bench/probes reads them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { epochMs } from './timing.ts';

let hits = 0;
let lastHitAt = 0;
let reportsPosted = 0;
let reportFailures = 0;
let nextId = 1;
/** Hit times of the probe messages, by label. */
let probes = new Map<string, number>();

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

/** What the body asks of the provider, read only when it carries a marker (W1/W2 never do). */
function steering(body: string): { delayMs: number; status: number } {
  let delayMs = 0;
  let status = 200;
  if (body.includes('bench-') || body.includes('probe-')) {
    delayMs = Number(body.match(/bench-delay=(\d+)/)?.[1] ?? 0);
    status = Number(body.match(/bench-status=([45]\d\d)/)?.[1] ?? 200);
    const probe = body.match(/probe-([\w-]+)/)?.[1];
    if (probe && !probes.has(probe)) probes.set(probe, epochMs());
  }
  return { delayMs, status };
}

function channelSend(req: IncomingMessage, res: ServerResponse, body: string): void {
  const { delayMs, status } = steering(body);
  if (delayMs > 0) {
    setTimeout(() => answerSend(req, res, body, status), delayMs);
    return;
  }
  answerSend(req, res, body, status);
}

function answerSend(req: IncomingMessage, res: ServerResponse, body: string, status: number): void {
  hit();
  if (status !== 200) {
    json(res, status, { ok: false, error_code: status, description: 'Bench: asked to fail' });
    return;
  }
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
    } else if (url.pathname === '/_bench/probes') {
      json(res, 200, Object.fromEntries(probes));
    } else if (url.pathname === '/_bench/reset') {
      hits = 0;
      lastHitAt = 0;
      reportsPosted = 0;
      reportFailures = 0;
      probes = new Map();
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
