/**
 * `npm run bench`: the embedded gateway against the sandbox on loopback, with a baseline measured
 * in the same run: a raw undici client posting the same provider requests straight to the sandbox.
 *
 * Three processes share the machine: the sandbox providers, the gateway, and this driver.
 *   W1: 20,000 single-recipient sends, 64 concurrent.
 *   W2: 50 requests of 1,000 recipients, 4 concurrent.
 * Printed: accepted/s, accept latency p50/p99, end-to-end delivered msg/s, and the raw client's rate
 * with the ratio. After an unmeasured warm-up round, each workload runs `--runs` times (default 3);
 * medians are printed, with every run's figures.
 *
 * Options: --runs N, --w1 N (sends), --w2 N (requests), --only w1|w2, --channel <name> (default
 * line; any channel in src/sandbox/sample-recipients.ts). The raw baseline posts what the channel's own
 * connector renders, with the sandbox credentials, so both sides send the same bytes.
 *
 * --scale-out: the same workloads on the embedded default, then on PostgreSQL (a fresh database
 * each, made through OMNIGATE_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * and Redis (OMNIGATE_BENCH_REDIS_URL, default redis://127.0.0.1:6379) with one `omnigate api` and
 * one, then two, `omnigate worker` processes; the figures side by side. --setups embedded,1,2
 * runs only the named ones (1 and 2 are the scale-out worker counts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { CONNECTORS } from '../src/channels/registry.ts';
import type { ChannelConnector } from '../src/core/ports/channel.ts';
import { AccessTokens } from '../src/dispatch/access-tokens.ts';
import { HttpClient } from '../src/lib/http.ts';
import { SANDBOX_RECIPIENTS } from '../src/sandbox/sample-recipients.ts';

const FLAGS = new Set(['scale-out']);
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i]!.replace(/^--/, '');
  if (FLAGS.has(name)) args.set(name, 'true');
  else args.set(name, process.argv[++i] ?? '');
}
const SCALE_OUT = args.has('scale-out');
const POSTGRES_URL = process.env.OMNIGATE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.OMNIGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(args.get('runs') ?? 3);
const W1_SENDS = Number(args.get('w1') ?? 20_000);
const W2_REQUESTS = Number(args.get('w2') ?? 50);
const ONLY = args.get('only');
const KEY = 'og_bench_key_000000000000000000000000000000';
const SANDBOX_PORT = 18_090;
const GATEWAY_PORT = 18_080;
const CHANNEL = args.get('channel') ?? 'line';
function pickChannel(): [ChannelConnector, (n: number) => string] {
  const c = CONNECTORS[CHANNEL];
  const r = SANDBOX_RECIPIENTS[CHANNEL];
  if (!c || !r) throw new Error(`--channel must be one of ${Object.keys(SANDBOX_RECIPIENTS).join(', ')}`);
  return [c, r];
}
const [connector, recipientFor] = pickChannel();

const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

function startProcess(command: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=1 writes a V8 CPU profile of each process to ./.bench-profiles.
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench-profiles'] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts', command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
  });
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  await res.body.dump();
  return res.statusCode;
}

async function getJson(url: string): Promise<{ data: unknown[] }> {
  const res = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${KEY}` } });
  return (await res.body.json()) as { data: unknown[] };
}

/** Runs `total` tasks with `concurrency` workers; returns each task's latency in ms. */
async function pool(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await task(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  return latencies;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => pct(xs, 50);

let rawCredentials: Record<string, string> | undefined;

/** What the dispatcher would post for one text, rendered by the channel's own connector. */
async function rawSend(sandbox: string, to: string, text: string): Promise<number> {
  const base = `${sandbox}/sandbox/${CHANNEL}`;
  rawCredentials ??= await credentialsFor(base);
  const rendered = connector.render({ type: 'text', text }, { to, retryKey: crypto.randomUUID() });
  const { path, headers, body } = connector.authorize(rendered.request, rawCredentials);
  return post(base + path, body ?? rendered.request.body, headers);
}

/** The sandbox credentials, plus an access token for channels that use them (WeChat). */
async function credentialsFor(base: string): Promise<Record<string, string>> {
  const credentials = { ...connector.sandboxCredentials };
  if (!connector.accessToken) return credentials;
  // The dispatcher's own token fetch, once, outside the measured loop.
  const http = new HttpClient();
  try {
    const accessToken = await new AccessTokens(http).get('bench', connector.accessToken, credentials, base);
    return { ...credentials, accessToken };
  } finally {
    await http.close();
  }
}

/** Waits until the gateway has no queued or sending message left. */
async function drained(gateway: string): Promise<void> {
  for (;;) {
    const [queued, sending] = await Promise.all([
      getJson(`${gateway}/v1/messages?status=queued&limit=1`),
      getJson(`${gateway}/v1/messages?status=sending&limit=1`),
    ]);
    if (queued.data.length === 0 && sending.data.length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Figures {
  acceptedPerS: number;
  p50: number;
  p99: number;
  deliveredPerS: number;
  rawPerS: number;
}

async function w1(gateway: string, sandbox: string, run: number, sends = W1_SENDS): Promise<Figures> {
  const t0 = performance.now();
  const latencies = await pool(sends, 64, async (i) => {
    const status = await post(
      `${gateway}/v1/messages`,
      {
        channel: CHANNEL,
        to: recipientFor(run * W1_SENDS + i),
        message: { type: 'text', text: `bench ${i}` },
      },
      { authorization: `Bearer ${KEY}` },
    );
    if (status !== 202) throw new Error(`send answered ${status}`);
  });
  const acceptedS = (performance.now() - t0) / 1000;
  await drained(gateway);
  const deliveredS = (performance.now() - t0) / 1000;

  const r0 = performance.now();
  await pool(sends, 64, async (i) => {
    const status = await rawSend(sandbox, recipientFor(i), `bench ${i}`);
    if (status !== 200) throw new Error(`raw send answered ${status}`);
  });
  const rawS = (performance.now() - r0) / 1000;
  return {
    acceptedPerS: sends / acceptedS,
    p50: median(latencies),
    p99: pct(latencies, 99),
    deliveredPerS: sends / deliveredS,
    rawPerS: sends / rawS,
  };
}

async function w2(gateway: string, sandbox: string, run: number): Promise<Figures> {
  const total = W2_REQUESTS * 1000;
  const t0 = performance.now();
  const latencies = await pool(W2_REQUESTS, 4, async (i) => {
    const to = Array.from({ length: 1000 }, (_, j) => recipientFor(10_000_000 + run * total + i * 1000 + j));
    const status = await post(
      `${gateway}/v1/messages`,
      { channel: CHANNEL, to, message: { type: 'text', text: `batch ${i}` } },
      { authorization: `Bearer ${KEY}` },
    );
    if (status !== 202) throw new Error(`batch answered ${status}`);
  });
  const acceptedS = (performance.now() - t0) / 1000;
  await drained(gateway);
  const deliveredS = (performance.now() - t0) / 1000;

  const r0 = performance.now();
  await pool(total, 64, async (i) => {
    await rawSend(sandbox, recipientFor(i), 'batch');
  });
  const rawS = (performance.now() - r0) / 1000;
  return {
    acceptedPerS: total / acceptedS,
    p50: median(latencies),
    p99: pct(latencies, 99),
    deliveredPerS: total / deliveredS,
    rawPerS: total / rawS,
  };
}

function report(name: string, unit: string, runs: Figures[]) {
  const m = (f: (x: Figures) => number) => median(runs.map(f));
  const ratio = median(runs.map((r) => r.deliveredPerS / r.rawPerS));
  console.log(`\n${name} (median of ${runs.length} runs)`);
  console.log(`  accepted:            ${m((r) => r.acceptedPerS).toFixed(0)} ${unit}/s`);
  console.log(
    `  accept latency:      p50 ${m((r) => r.p50).toFixed(1)} ms, p99 ${m((r) => r.p99).toFixed(1)} ms (per request)`,
  );
  console.log(`  end-to-end sent:     ${m((r) => r.deliveredPerS).toFixed(0)} msg/s`);
  console.log(`  raw client → sandbox: ${m((r) => r.rawPerS).toFixed(0)} msg/s`);
  console.log(`  end-to-end / raw:    ${(ratio * 100).toFixed(0)}%`);
  console.log(
    `  runs: ${runs.map((r) => `${r.acceptedPerS.toFixed(0)}/${r.deliveredPerS.toFixed(0)}/${r.rawPerS.toFixed(0)}`).join('  ')} (accepted/e2e/raw)`,
  );
}

/** One deployment to measure: how its processes start, and what they leave behind. */
interface Setup {
  name: string;
  start(sandboxUrl: string): Promise<{ children: ChildProcess[]; cleanup(): Promise<void> }>;
}

const gatewayEnv = (sandboxUrl: string, dataDir: string): Record<string, string> => ({
  OMNIGATE_DATA_DIR: dataDir,
  OMNIGATE_API_KEY: KEY,
  [`OMNIGATE_${CHANNEL.toUpperCase()}_API_BASE`]: `${sandboxUrl}/sandbox/${CHANNEL}`,
  // The bench measures the gateway, not the provider's documented rate per account.
  [`OMNIGATE_${CHANNEL.toUpperCase()}_RATE_PER_SECOND`]: '1000000',
  LOG_LEVEL: 'warn',
  ...(process.env.OMNIGATE_SQLITE_SYNCHRONOUS
    ? { OMNIGATE_SQLITE_SYNCHRONOUS: process.env.OMNIGATE_SQLITE_SYNCHRONOUS }
    : {}),
});

const embedded: Setup = {
  name: 'embedded (SQLite, one process)',
  async start(sandboxUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-bench-'));
    const gateway = await startProcess(
      'start',
      { PORT: String(GATEWAY_PORT), ...gatewayEnv(sandboxUrl, dataDir) },
      /listening on/,
    );
    return { children: [gateway], cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

function scaleOut(workers: number): Setup {
  return {
    name: `scale-out (PostgreSQL + Redis, 1 api + ${workers} worker${workers > 1 ? 's' : ''})`,
    async start(sandboxUrl) {
      const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-bench-'));
      const { default: pg } = await import('pg');
      const name = `omnigate_bench_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      const env = {
        ...gatewayEnv(sandboxUrl, dataDir),
        OMNIGATE_DATABASE_URL: url.toString(),
        OMNIGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        OMNIGATE_REDIS_URL: REDIS_URL,
      };
      await startProcess('migrate', env, /Applied migrations|up to date/);
      const children = [await startProcess('api', { ...env, PORT: String(GATEWAY_PORT) }, /listening on/)];
      for (let i = 0; i < workers; i++) {
        children.push(
          await startProcess(
            'worker',
            { ...env, OMNIGATE_PUBLIC_URL: `http://127.0.0.1:${GATEWAY_PORT}` },
            /Omnigate worker/,
          ),
        );
      }
      return {
        children,
        async cleanup() {
          rmSync(dataDir, { recursive: true, force: true });
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

async function measure(setup: Setup, sandboxUrl: string): Promise<{ w1: Figures[]; w2: Figures[] }> {
  const gatewayUrl = `http://127.0.0.1:${GATEWAY_PORT}`;
  const { children, cleanup } = await setup.start(sandboxUrl);
  try {
    console.log(`\n== ${setup.name}`);
    // A short unmeasured round first, so every measured run sees JIT-compiled code on all the
    // processes rather than the first run paying for warm-up.
    await w1(gatewayUrl, sandboxUrl, RUNS, 3_000);
    const w1Runs: Figures[] = [];
    const w2Runs: Figures[] = [];
    for (let run = 0; run < RUNS; run++) {
      if (ONLY !== 'w2') w1Runs.push(await w1(gatewayUrl, sandboxUrl, run));
      if (ONLY !== 'w1') w2Runs.push(await w2(gatewayUrl, sandboxUrl, run));
    }
    if (w1Runs.length) report(`W1: ${W1_SENDS} single-recipient sends, 64 concurrent`, 'msg', w1Runs);
    if (w2Runs.length) report(`W2: ${W2_REQUESTS} requests of 1,000 recipients`, 'recipients', w2Runs);
    return { w1: w1Runs, w2: w2Runs };
  } finally {
    await Promise.all(children.map((c) => stopped(c)));
    await cleanup();
  }
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main() {
  const sandboxUrl = `http://127.0.0.1:${SANDBOX_PORT}`;
  const sandbox = await startProcess('sandbox', { PORT: String(SANDBOX_PORT) }, /sandbox providers on/);
  try {
    console.log(`Omnigate benchmark (${connector.displayName}): sandbox ${sandboxUrl}, ${RUNS} runs`);
    const all = SCALE_OUT ? [embedded, scaleOut(1), scaleOut(2)] : [embedded];
    // --setups embedded,1,2 picks some of them (the numbers are scale-out worker counts).
    const picked = args.get('setups')?.split(',');
    const setups = picked
      ? all.filter((_setup, i) => picked.includes(i === 0 ? 'embedded' : String(i)))
      : all;
    const results: Array<{ setup: Setup; w1: Figures[]; w2: Figures[] }> = [];
    for (const setup of setups) results.push({ setup, ...(await measure(setup, sandboxUrl)) });
    if (results.length > 1) {
      console.log('\nSide by side (medians): accepted/s, p99 accept ms, end-to-end msg/s, e2e/raw');
      for (const r of results) {
        const row = (runs: Figures[]) =>
          runs.length === 0
            ? '-'
            : `${median(runs.map((x) => x.acceptedPerS)).toFixed(0)}, ${median(runs.map((x) => x.p99)).toFixed(1)}, ${median(runs.map((x) => x.deliveredPerS)).toFixed(0)}, ${(median(runs.map((x) => x.deliveredPerS / x.rawPerS)) * 100).toFixed(0)}%`;
        console.log(`  ${r.setup.name.padEnd(48)} W1 ${row(r.w1)}   W2 ${row(r.w2)}`);
      }
    }
  } finally {
    await stopped(sandbox);
    await agent.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
