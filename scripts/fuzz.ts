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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

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

const INTERESTING_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFFFF',
  '😀'.repeat(3),
  '<xml>',
  '{{x}}',
  '../../etc/passwd',
  '%00',
  '__proto__',
  'constructor',
  LINE_USER,
  TELEGRAM_CHAT,
  '2024-01-01T00:00:00Z',
  'https://example.com/a.png',
  '-1',
  '1e309',
];

const stringArb = (schema: Schema): fc.Arbitrary<string> => {
  const max = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength + 2 : 40, 200);
  const arbs: fc.Arbitrary<string>[] = [
    fc.string({ maxLength: max }),
    fc.string({ unit: 'grapheme', maxLength: max }),
    fc.constantFrom(...INTERESTING_STRINGS),
  ];
  if (schema.format === 'date-time')
    arbs.push(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    );
  if (schema.format === 'uri' || schema.format === 'url') arbs.push(fc.webUrl());
  if (Array.isArray(schema.enum)) arbs.push(fc.constantFrom(...(schema.enum as string[])));
  return fc.oneof(...arbs);
};

/** A value for `schema`, with a wrong type now and then (weight `wrong` in 10). */
function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<Json> {
  const wrong = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  const right = rightFromSchema(schema, depth);
  return fc.oneof({ arbitrary: right, weight: 9 }, { arbitrary: wrong, weight: 1 });
}

function rightFromSchema(schema: Schema, depth: number): fc.Arbitrary<Json> {
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const as Json);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union && union.length > 0) return fc.oneof(...union.map((s) => fromSchema(s, depth + 1)));
  if (Array.isArray(schema.allOf)) {
    const merged = Object.assign({}, ...(schema.allOf as Schema[])) as Schema;
    return fromSchema(merged, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.oneof(
        fc.integer({
          min: typeof schema.minimum === 'number' ? schema.minimum - 1 : -10,
          max: typeof schema.maximum === 'number' ? schema.maximum + 1 : 1000,
        }),
        fc.constantFrom(0, -1, 2 ** 53, -(2 ** 31)),
      );
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const max = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems + 1 : 4, 5);
      return fc.array(fromSchema(items, depth + 1), { maxLength: max });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [key, sub] of Object.entries(properties)) record[key] = fromSchema(sub, depth + 1);
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
      const known = fc.record(record, { requiredKeys }) as fc.Arbitrary<Record<string, Json>>;
      const extra = fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
        {
          maxKeys: 2,
        },
      );
      return fc
        .tuple(known, fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: extra, weight: 1 }))
        .map(([k, e]) => ({ ...e, ...k }));
    }
    default:
      return fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
  }
}

/** `value` with the node at a random path replaced by `replacement` (or removed). */
function mutate(value: Json, path: number[], replacement: Json | undefined): Json {
  let node: Json = structuredClone(value);
  const root = node;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[path[i]! % keys.length]!;
    const last = i === path.length - 1 || typeof (node as Record<string, Json>)[key] !== 'object';
    if (last) {
      if (replacement === undefined && !Array.isArray(node)) delete (node as Record<string, Json>)[key];
      else (node as Record<string | number, Json>)[key] = replacement ?? null;
      return root;
    }
    node = (node as Record<string | number, Json>)[key] as Json;
  }
  return root;
}

/** Every way a body can be hostile, around the endpoint's schema and valid examples. */
function bodiesFor(
  schema: Schema | undefined,
  seeds: readonly Json[],
  encode: (value: Json) => string = (v) => JSON.stringify(v),
): fc.Arbitrary<{ bytes: Buffer; contentType: string | undefined }> {
  const json = (text: string, contentType: string | undefined = 'application/json') => ({
    bytes: Buffer.from(text, 'utf8'),
    contentType,
  });
  const fromSchemaArb = schema ? fromSchema(schema) : (fc.jsonValue() as fc.Arbitrary<Json>);
  const seed = seeds.length > 0 ? fc.constantFrom(...seeds) : fromSchemaArb;
  const anything = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
  return fc.oneof(
    { arbitrary: fromSchemaArb.map((v) => json(encode(v))), weight: 4 },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          seed,
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          fc.option(anything, { nil: undefined }),
        )
        .map(([s, path, replacement]) => json(encode(mutate(s, path, replacement)))),
    },
    { arbitrary: seed.map((s) => json(encode(s))), weight: 1 },
    { arbitrary: anything.map((v) => json(JSON.stringify(v))), weight: 1 },
    {
      // Deep nesting, of objects or arrays, around a valid example or alone.
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean(), seed)
        .map(([depth, arrays, s]) =>
          json(
            arrays
              ? `${'['.repeat(depth)}${encode(s)}${']'.repeat(depth)}`
              : `${'{"a":'.repeat(depth)}${encode(s)}${'}'.repeat(depth)}`,
          ),
        ),
    },
    {
      // NUL, lone surrogates and huge strings at a random place of a valid example.
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          fc.oneof(
            fc.constantFrom('\u0000', 'x\u0000y', '\uD800', '\uDFFF'),
            fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
          ),
        )
        .map(([s, path, text]) => json(encode(mutate(s, path, text)))),
    },
    {
      // Invalid UTF-8 bytes spliced into a valid example (only raw HTTP can send these).
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.nat(),
          fc.constantFrom(
            [0xff],
            [0xc3, 0x28],
            [0xe2, 0x82],
            [0xf0, 0x28, 0x8c, 0x28],
            [0xed, 0xa0, 0x80],
            [0xc0, 0xaf],
          ),
        )
        .map(([s, at, bytes]) => {
          const text = Buffer.from(encode(s), 'utf8');
          const cut = at % (text.length + 1);
          return {
            bytes: Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]),
            contentType: 'application/json',
          };
        }),
    },
    {
      // Truncated, empty, or in another media type.
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.nat(),
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            undefined,
          ),
        )
        .map(([s, at, contentType]) => {
          const text = encode(s);
          return json(text.slice(0, at % (text.length + 1)), contentType);
        }),
    },
    {
      // Over the body limit (1 MiB), now and then.
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 50 })
        .map((n) => json(n === 1 ? `"${'x'.repeat(1_100_000)}"` : '{}')),
    },
  );
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

/** WeChat's pushes are flat XML under `<xml>`; nested values become nested tags. */
function toXml(value: Json): string {
  const tags = (v: Json): string =>
    v !== null && typeof v === 'object'
      ? Object.entries(v)
          .map(([k, child]) => {
            const tag = /^[A-Za-z_][\w-]*$/.test(k) ? k : 'x';
            return `<${tag}>${tags(child)}</${tag}>`;
          })
          .join('')
      : `<![CDATA[${String(v)}]]>`;
  return `<xml>${tags(value)}</xml>`;
}

const now = () => Math.floor(Date.now() / 1000);
const WEBHOOK_SEEDS: Record<string, Json> = {
  line: {
    destination: 'U0',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: 1_700_000_000_000,
        webhookEventId: '01FZ',
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: LINE_USER },
        replyToken: 'r',
        message: { type: 'text', id: '1', text: 'hi' },
      },
    ],
  },
  telegram: {
    update_id: 1,
    message: {
      message_id: 1,
      date: 1_700_000_000,
      chat: { id: 1, type: 'private' },
      from: { id: 1, is_bot: false, first_name: 'a' },
      text: 'hi',
    },
  },
  messenger: {
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, message: { mid: 'm', text: 'hi' } },
        ],
      },
    ],
  },
  instagram: {
    object: 'instagram',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, message: { mid: 'm', text: 'hi' } },
        ],
      },
    ],
  },
  whatsapp: {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { phone_number_id: '106540352242922' },
              messages: [
                { from: '66812345678', id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'hi' } },
              ],
            },
          },
        ],
      },
    ],
  },
  viber: {
    event: 'message',
    timestamp: 1_700_000_000_000,
    message_token: 1,
    sender: { id: 'a' },
    message: { type: 'text', text: 'hi' },
  },
  wechat: {
    ToUserName: 'gh_x',
    FromUserName: 'o_fuzz',
    CreateTime: String(now()),
    MsgType: 'text',
    Content: 'hi',
    MsgId: '1',
  },
};

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
