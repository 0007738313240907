/**
 * `npm run fuzz -- --runs N --seed S`: N generated bodies per endpoint, over real HTTP on loopback
 * (so invalid UTF-8 reaches the server as raw bytes), to every route that takes a body (the native
 * API and the four façades, found in the OpenAPI document with their schemas) and every provider
 * webhook (a share of them validly signed, so the decoders and parsers behind the signature run).
 *
 * Bodies are drawn with fast-check: values from the route's JSON schema (with wrong types mixed
 * in), valid examples with one field replaced, arbitrary JSON, deep nesting, NUL, huge strings,
 * invalid UTF-8, truncated JSON and other content types. The verdict: no 5xx, the server alive,
 * and the database holding exactly the messages the 2xx answers accepted (no partial writes).
 */
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Pool } from 'undici';
import { startTestGateway, TEST_API_KEY, type TestGateway } from '../test/support/gateway.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../test/support/recipients.ts';
import { WEBHOOK_CONTENT_TYPES, WEBHOOK_SIGNERS } from '../test/support/signed-webhooks.ts';
import { bodiesFor, type Json, type Schema } from './fuzz/bodies.ts';
import { toXml, WEBHOOK_SEEDS } from './fuzz/webhook-seeds.ts';

export interface FuzzOptions {
  /** Bodies per endpoint. */
  runs: number;
  seed: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  endpoints: number;
  bodies: number;
  statuses: Record<string, number>;
  /** Up to 20 of the 5xx answers, with what was sent. */
  serverErrors: Array<{ endpoint: string; status: number; answer: string; sent: string }>;
  serverErrorCount: number;
  /** Requests that got no answer at all (reset, timeout). */
  noAnswer: number;
  alive: boolean;
  /** Messages the 2xx answers accepted, and messages the database holds. */
  accepted: number;
  stored: number;
  durationMs: number;
}

interface Endpoint {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Bodies for this endpoint, as the bytes to send and their content type. */
  bodies: fc.Arbitrary<{ bytes: Buffer; contentType: string | undefined }>;
  /** Message ids a 2xx answer says were accepted (FIRST LINE's answer names none: counted as 1). */
  accepted?: (answer: unknown) => string[] | number;
  /** Extra query (WeChat's signature). */
  query?: () => Record<string, string>;
  sign?: (bytes: Buffer) => { headers: Record<string, string>; query: Record<string, string> };
}

/** The endpoints: every route with a JSON body in the OpenAPI document, and every provider webhook. */
function endpointsOf(gw: TestGateway): Endpoint[] {
  // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read loosely.
  const doc = gw.app.swagger() as any;
  const bearer = { authorization: `Bearer ${TEST_API_KEY}` };
  const out: Endpoint[] = [];
  const messageIds = (answer: unknown) =>
    ((answer as { messages?: Array<{ id: string }> }).messages ?? []).map((m) => m.id);
  for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    for (const [method, op] of Object.entries<any>(operations)) {
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      if (!schema || path.startsWith('/webhooks/')) continue;
      const konnek = /^\/(whatsapp|telegram|line|facebook)\/send\//.exec(path);
      const konnekChannel = konnek?.[1] === 'facebook' ? 'messenger' : konnek?.[1];
      const concrete = path
        .replace('{clientID}', konnekChannel ? gw.accountId(konnekChannel) : 'x')
        .replace(/\{[^}]+\}/g, 'fuzz_01');
      const endpoint = {
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path: concrete,
      };
      if (path === '/v1/messages' || path === '/v1/messages/preview') {
        const seeds: Json[] = [
          { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'hi' } },
          { channel: 'telegram', to: [TELEGRAM_CHAT, '987654321'], message: { type: 'text', text: 'hi' } },
        ];
        out.push({
          ...endpoint,
          headers: bearer,
          bodies: bodiesFor(schema, seeds),
          ...(path === '/v1/messages' ? { accepted: messageIds } : {}),
        });
      } else if (konnek) {
        const recipient = {
          whatsapp: '62812345670',
          telegram: TELEGRAM_CHAT,
          line: LINE_USER,
          messenger: '1234567890',
        }[konnekChannel as string];
        const seed = {
          id: 'fz-1',
          times: 0,
          recipient: recipient ?? '',
          type: 'text',
          body: { text: 'hello' },
        };
        out.push({
          ...endpoint,
          headers: { 'auth-username': 'fuzz', 'auth-password': TEST_API_KEY },
          bodies: bodiesFor(schema, [seed, { ...seed, id: 'fz-2' }]),
          accepted: (a) => [(a as { data?: { message_id?: string } }).data?.message_id ?? ''].filter(Boolean),
        });
      } else if (path === '/line/1/single') {
        const seed = { from: gw.accountId('line'), to: LINE_USER, message: { type: 'TEXT', text: 'Hello' } };
        out.push({
          ...endpoint,
          headers: { authorization: `Basic ${Buffer.from(`fuzz:${TEST_API_KEY}`).toString('base64')}` },
          bodies: bodiesFor(schema, [seed]),
          accepted: (a) =>
            ((a as { messages?: Array<{ messageId: string }> }).messages ?? []).map((m) => m.messageId),
        });
      } else if (path === '/api/v1/message/push') {
        const seed = {
          contactable_type: 'App\\LineContact',
          contactable_id: LINE_USER,
          type: 'text',
          message: 'hi',
        };
        out.push({ ...endpoint, headers: bearer, bodies: bodiesFor(schema, [seed]), accepted: () => 1 });
      } else if (path === '/resources/v1/messaging') {
        const seed = {
          appid: gw.accountId('messenger'),
          deliverychannel: 'fb',
          channels: { 'OTT-Messaging': { fb: { text: 'hi' } } },
          destination: [{ psid: ['1234567890'] }],
        };
        out.push({
          ...endpoint,
          headers: { key: TEST_API_KEY },
          bodies: bodiesFor(schema, [seed]),
          accepted: (a) => {
            const response = (a as { response?: unknown }).response;
            return Array.isArray(response)
              ? response.filter((r) => r.code === '1001').map((r) => r.transid as string)
              : [];
          },
        });
      } else {
        out.push({ ...endpoint, headers: bearer, bodies: bodiesFor(schema, []) });
      }
    }
  }
  for (const [channel, sign] of Object.entries(WEBHOOK_SIGNERS)) {
    const seed = WEBHOOK_SEEDS[channel] ?? {};
    const xml = channel === 'wechat';
    out.push({
      name: `POST /webhooks/${channel}/:accountId`,
      method: 'POST',
      path: `/webhooks/${channel}/${gw.accountId(channel)}`,
      headers: {},
      bodies: bodiesFor(undefined, [seed], xml ? toXml : undefined).map((b) => ({
        ...b,
        contentType: b.contentType && xml ? (WEBHOOK_CONTENT_TYPES[channel] ?? b.contentType) : b.contentType,
      })),
      sign,
    });
  }
  return out;
}

/** Messages in the database, whichever backend the gateway runs on. */
async function storedMessages(gw: TestGateway): Promise<number> {
  if (gw.config.databaseUrl) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: gw.config.databaseUrl });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM messages')).rows[0].n);
    } finally {
      await client.end();
    }
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(`${gw.config.dataDir}/omnigate.db`, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs the fuzz against a running gateway (workers off, so accepted messages stay put). */
export async function fuzz(gw: TestGateway, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const endpoints = endpointsOf(gw);
  const pool = new Pool(gw.url, { connections: options.concurrency ?? 8, pipelining: 1 });
  const report: FuzzReport = {
    endpoints: endpoints.length,
    bodies: 0,
    statuses: {},
    serverErrors: [],
    serverErrorCount: 0,
    noAnswer: 0,
    alive: false,
    accepted: 0,
    stored: 0,
    durationMs: 0,
  };
  const acceptedIds = new Set<string>();
  let acceptedUnnamed = 0;
  const batch = 200;
  for (const [index, endpoint] of endpoints.entries()) {
    const endpointStarted = Date.now();
    for (let done = 0; done < options.runs; done += batch) {
      const n = Math.min(batch, options.runs - done);
      const bodies = fc.sample(endpoint.bodies, {
        numRuns: n,
        seed: options.seed + index * 1_000_003 + done,
      });
      const signed = fc.sample(fc.boolean(), { numRuns: n, seed: options.seed + done + 7 });
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < bodies.length; i = next++) {
          const body = bodies[i]!;
          const parts = endpoint.sign && signed[i] ? endpoint.sign(body.bytes) : { headers: {}, query: {} };
          const qs = new URLSearchParams(parts.query).toString();
          try {
            const res = await pool.request({
              method: endpoint.method as 'POST',
              path: qs ? `${endpoint.path}?${qs}` : endpoint.path,
              headers: {
                ...endpoint.headers,
                ...parts.headers,
                ...(body.contentType ? { 'content-type': body.contentType } : {}),
              },
              body: body.bytes,
              headersTimeout: 30_000,
              bodyTimeout: 30_000,
            });
            const text = await res.body.text();
            report.bodies++;
            report.statuses[res.statusCode] = (report.statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode >= 500) {
              report.serverErrorCount++;
              if (report.serverErrors.length < 20) {
                report.serverErrors.push({
                  endpoint: endpoint.name,
                  status: res.statusCode,
                  answer: text.slice(0, 500),
                  sent: body.bytes.subarray(0, 500).toString('utf8'),
                });
              }
            } else if (res.statusCode < 300 && endpoint.accepted) {
              const ids = endpoint.accepted(text ? JSON.parse(text) : {});
              if (typeof ids === 'number') acceptedUnnamed += ids;
              else for (const id of ids) acceptedIds.add(id);
            }
          } catch (error) {
            report.bodies++;
            report.noAnswer++;
            log(`${endpoint.name}: no answer (${(error as Error).message})`);
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    }
    log(`${endpoint.name}: ${options.runs} bodies in ${Date.now() - endpointStarted} ms`);
  }
  const health = await pool.request({ method: 'GET', path: '/healthz' }).catch(() => undefined);
  report.alive = health?.statusCode === 200;
  await health?.body.text();
  await pool.close();
  report.accepted = acceptedIds.size + acceptedUnnamed;
  report.stored = await storedMessages(gw);
  report.durationMs = Date.now() - started;
  return report;
}

/** Whether the report is a pass: no 5xx, no request left unanswered, alive, no partial writes. */
export const passed = (r: FuzzReport) =>
  r.serverErrorCount === 0 && r.noAnswer === 0 && r.alive && r.accepted === r.stored;

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const runs = arg('runs', 100_000);
  const seed = arg('seed', Date.now() % 1_000_000);
  const concurrency = arg('concurrency', 8);
  console.log(`fuzz: ${runs} bodies per endpoint, seed ${seed}`);
  const gw = await startTestGateway({}, { startWorkers: false });
  try {
    const report = await fuzz(gw, { runs, seed, concurrency, log: (line) => console.log(line) });
    console.log(JSON.stringify(report, null, 2));
    console.log(
      `${report.endpoints} endpoints, ${report.bodies} bodies, ${report.serverErrorCount} × 5xx, ` +
        `${report.noAnswer} unanswered, alive: ${report.alive}, accepted ${report.accepted} / stored ` +
        `${report.stored} (partial writes: ${Math.abs(report.stored - report.accepted)}), ` +
        `${Math.round(report.durationMs / 1000)} s`,
    );
    process.exitCode = passed(report) ? 0 : 1;
  } finally {
    await gw.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
