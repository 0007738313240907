/**
 * The webhook sink both systems report to, in its own process (`node --import tsx bench/sink.ts`;
 * it prints its port when ready). It answers 200 at once and counts, per message:
 *   - POST /omnigate: Omnigate's status callback (Standard Webhooks body, `data.messageId` and
 *     `data.status`). The signature is not checked: the sink stands for a fast receiver.
 *   - GET /kannel?id=<n>&type=<%d>: Kannel's dlr-url, `type` being the DLR type Kannel fills in
 *     (1 delivered, 2 undeliverable, 4 buffered, 8 accepted by the SMSC, 16 rejected by the SMSC).
 * A callback is final when it ends the message's story in the bench: `sent`, `delivered` or `read`
 * (Omnigate), DLR 1 or 8 (Kannel); `failed`, `expired`, DLR 2 or 16 are final failures.
 * A callback to /omnigate?probe=1 is a probe's: the time of its first final (or failed) callback is
 * kept by message id, and GET /_bench/probes reads them. Failed callbacks are counted by their
 * `data.code` too (`maybe_sent` among them).
 * GET /_bench/stats reads the counts, POST /_bench/reset zeroes them.
 */
import { createServer, type ServerResponse } from 'node:http';
import { epochMs } from './timing.ts';

const FINAL = new Set(['sent', 'delivered', 'read', 'DLR 1', 'DLR 8']);
const FAILED = new Set(['failed', 'expired', 'DLR 2', 'DLR 16']);

let callbacks = 0;
let byStatus = new Map<string, number>();
let finished = new Set<string>();
let failed = new Set<string>();
let seen = new Set<string>();
let duplicates = 0;
let lastFinalAt = 0;
let lastAt = 0;
let failedByCode = new Map<string, number>();
let probes = new Map<string, { status: string; at: number }>();

function record(id: string, status: string, code?: string, probe = false): void {
  const at = epochMs();
  if (probe && (FINAL.has(status) || FAILED.has(status)) && !probes.has(id)) probes.set(id, { status, at });
  callbacks++;
  lastAt = at;
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  const key = `${id} ${status}`;
  if (seen.has(key)) duplicates++;
  else seen.add(key);
  if (FINAL.has(status) && !finished.has(id)) {
    finished.add(id);
    lastFinalAt = at;
  } else if (FAILED.has(status) && !failed.has(id)) {
    failed.add(id);
    failedByCode.set(code ?? '?', (failedByCode.get(code ?? '?') ?? 0) + 1);
  }
}

function reset(): void {
  callbacks = 0;
  byStatus = new Map();
  finished = new Set();
  failed = new Set();
  seen = new Set();
  duplicates = 0;
  lastFinalAt = 0;
  lastAt = 0;
  failedByCode = new Map();
  probes = new Map();
}

function answer(res: ServerResponse, status: number, body?: unknown): void {
  const bytes = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bytes) });
  res.end(bytes);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://sink');
    if (url.pathname === '/omnigate' && req.method === 'POST') {
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          data?: { messageId?: string; status?: string; code?: string };
        };
        record(
          event.data?.messageId ?? '?',
          event.data?.status ?? 'other',
          event.data?.code,
          url.searchParams.has('probe'),
        );
      } catch {
        record('?', 'unparsable');
      }
      answer(res, 200);
    } else if (url.pathname === '/kannel') {
      record(url.searchParams.get('id') ?? '?', `DLR ${url.searchParams.get('type') ?? '?'}`);
      answer(res, 200);
    } else if (url.pathname === '/_bench/stats') {
      answer(res, 200, {
        callbacks,
        byStatus: Object.fromEntries(byStatus),
        finals: finished.size,
        failed: failed.size,
        failedByCode: Object.fromEntries(failedByCode),
        duplicates,
        lastFinalAt,
        lastAt,
      });
    } else if (url.pathname === '/_bench/probes') {
      answer(res, 200, Object.fromEntries(probes));
    } else if (url.pathname === '/_bench/reset') {
      reset();
      answer(res, 200, {});
    } else {
      answer(res, 404);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`sink on ${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
