/**
 * The crash harness: the real server as a child process, SIGKILLed at seeded moments (named crash
 * points between claim and send, between the provider's answer and its commit, before a callback
 * is delivered, or simply at a random time), restarted on the same data, and finally drained.
 * Then it checks, as a queue checker would, what every accepted message became.
 *
 * The provider and the callback receiver live in this process, so they outlive every crash and
 * see exactly what the gateway put on the wire.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { REPO_ROOT } from '../../src/sandbox/specs.ts';
import { type Received, startServer } from '../support/http-server.ts';

const API_KEY = 'og_crash_harness_key_000000000000000000000';

export interface CrashOptions {
  seed: number;
  /** Gateway lives that end in a SIGKILL before the final, clean one. */
  rounds: number;
  messagesPerRound: number;
  log?: (line: string) => void;
  /**
   * Scale-out mode: a fresh PostgreSQL database (made through `adminUrl`, dropped at the end), one
   * `omnigate api` process that lives throughout, and two `omnigate worker` processes, one of
   * which is SIGKILLed each round while the other carries on.
   */
  scaleOut?: { adminUrl: string; redisUrl?: string };
  /** Channels the messages go to (default: LINE or Telegram, at random). */
  channels?: Array<Submitted['channel']>;
  /** Settings for the gateway's processes beyond the harness's own. */
  env?: Record<string, string>;
  /** Every life ends by a SIGKILL this long after it started, instead of the seeded plan. */
  killAfterMs?: number;
}

export interface Submitted {
  token: string;
  channel: 'line' | 'telegram';
  /** Message id once a 202 (or its idempotent replay) was read; undefined while unknown. */
  id?: string;
}

/** A message as GET /v1/messages/:id shows it once drained. */
export interface FinalView {
  id: string;
  status: string;
  statusReason?: string;
  maybeSentResends?: number;
  events: Array<{ status: string; at: string; code?: string; reason?: string; detail?: { cause?: string } }>;
}

export interface CrashReport {
  submitted: Submitted[];
  /** Final view of every message, by token. */
  finals: Map<string, FinalView>;
  /** Provider requests carrying each token, with when they arrived (ms since the epoch). */
  providerHits: Map<string, Array<Received & { at: number }>>;
  /** Tokens the provider saw that no client ever submitted. */
  unknownAtProvider: string[];
  /** Callback payloads received, by message id. */
  callbacks: Map<string, Array<{ webhookId: string; status: string }>>;
  kills: string[];
  /** When each killed process was seen dead (ms since the epoch). */
  deaths: number[];
}

/** mulberry32, so a seed replays the same crash schedule. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const tokenOf = (text: string): string | undefined => /crash-[0-9a-z-]+/.exec(text)?.[0];

export async function runCrashScenario(o: CrashOptions): Promise<CrashReport> {
  const random = prng(o.seed);
  const log = o.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-crash-'));
  const agent = new Agent({ connections: 32 });

  // The provider: LINE push and Telegram sendMessage, answering success, remembering everything.
  let providerSeq = 0;
  const arrivals: number[] = [];
  const provider = await startServer((req, res) => {
    providerSeq++;
    arrivals.push(Date.now());
    res.setHeader('content-type', 'application/json');
    if (req.url.endsWith('/v2/bot/message/push')) {
      res.end(JSON.stringify({ sentMessages: [{ id: String(providerSeq), quoteToken: 'q' }] }));
    } else {
      const body = JSON.parse(req.body) as { chat_id: number; text: string };
      res.end(
        JSON.stringify({
          ok: true,
          result: {
            message_id: providerSeq,
            date: 1,
            chat: { id: body.chat_id, type: 'private' },
            text: body.text,
          },
        }),
      );
    }
  });
  const receiver = await startServer((_req, res) => res.writeHead(204).end());

  let child: ChildProcess | undefined;
  let base = '';
  const kills: string[] = [];
  const deaths: number[] = [];
  const database = o.scaleOut ? await createDatabase(o.scaleOut.adminUrl) : undefined;
  const workers: Array<ChildProcess | undefined> = [undefined, undefined];
  let apiProcess: ChildProcess | undefined;

  function environment(extra: Record<string, string>, crashAt?: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OMNIGATE_DATA_DIR: dataDir,
      OMNIGATE_API_KEY: API_KEY,
      OMNIGATE_LINE_API_BASE: provider.url,
      OMNIGATE_TELEGRAM_API_BASE: provider.url,
      OMNIGATE_TELEGRAM_RECIPIENT_RATE_PER_SECOND: '1000',
      // Below a round's Telegram share, so some messages wait for their turn when a crash comes.
      OMNIGATE_TELEGRAM_RATE_PER_SECOND: '10',
      OMNIGATE_WEBHOOK_ALLOWLIST: '127.0.0.1/32',
      LOG_LEVEL: 'silent',
      ...(database
        ? {
            OMNIGATE_DATABASE_URL: database.url,
            // Every process decrypts what the others stored.
            OMNIGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
            // A dead worker's claims move to the other worker this soon; the shortest lease the
            // provider timeout allows (config.ts minimumLeaseMs).
            OMNIGATE_PROVIDER_TIMEOUT_MS: '1000',
            OMNIGATE_LEASE_MS: '4000',
            ...(o.scaleOut?.redisUrl
              ? { OMNIGATE_REDIS_URL: o.scaleOut.redisUrl, OMNIGATE_REDIS_PREFIX: `${database.name}:` }
              : {}),
          }
        : {}),
      ...o.env,
      ...extra,
      ...(crashAt ? { OMNIGATE_CRASH_AT: crashAt } : {}),
    };
    delete env.OMNIGATE_SANDBOX_CHAOS;
    if (!crashAt) delete env.OMNIGATE_CRASH_AT;
    return env;
  }

  async function spawnOmnigate(
    command: string,
    env: NodeJS.ProcessEnv,
    ready: string,
  ): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(ready)) resolve();
      });
      proc.once('exit', (code, signal) =>
        reject(new Error(`omnigate ${command} exited (${code ?? signal}) before it was ready: ${out}`)),
      );
    });
    return proc;
  }

  /** Embedded: one whole gateway, killed and restarted each round. */
  async function startGateway(crashAt?: string): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = await spawnOmnigate('start', environment({ PORT: String(port) }, crashAt), 'listening on');
  }

  /** Scale-out: the API once, for the whole run. */
  async function startApi(): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    apiProcess = await spawnOmnigate('api', environment({ PORT: String(port) }), 'listening on');
  }

  async function startWorker(slot: number, crashAt?: string): Promise<ChildProcess> {
    const proc = await spawnOmnigate(
      'worker',
      environment({ OMNIGATE_PUBLIC_URL: base }, crashAt),
      'Omnigate worker',
    );
    workers[slot] = proc;
    return proc;
  }

  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  async function submit(m: Submitted): Promise<void> {
    const to = m.channel === 'line' ? `U${createHash('md5').update(m.token).digest('hex')}` : '424242';
    try {
      const res = await request(`${base}/v1/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': m.token,
        },
        body: JSON.stringify({
          channel: m.channel,
          to,
          message: { type: 'text', text: `hello ${m.token}` },
          callbackUrl: `${receiver.url}/cb`,
        }),
      });
      const body = (await res.body.json()) as { messages?: Array<{ id: string }> };
      if (res.statusCode === 202 && body.messages?.[0]) m.id = body.messages[0].id;
    } catch {
      // The gateway died under the request: its fate is unknown until it is resubmitted.
    }
  }

  const submitted: Submitted[] = [];
  try {
    if (database) {
      await migrate(database.url);
      await startApi();
      await startWorker(1);
    }
    for (let round = 0; round < o.rounds; round++) {
      const plan =
        o.killAfterMs !== undefined ? { killAfterMs: o.killAfterMs } : pickCrash(random, round + o.seed);
      // Scale-out: the worker in slot 0 dies each round while slot 1 keeps working.
      if (!database) await startGateway(plan.crashAt);
      const proc = database ? await startWorker(0, plan.crashAt) : child;
      if (!proc) throw new Error('no process to kill');
      // Resubmit what is still unknown (same idempotency keys), then new messages, concurrently.
      const batch: Submitted[] = submitted.filter((m) => m.id === undefined);
      for (let i = 0; i < o.messagesPerRound; i++) {
        const m: Submitted = {
          token: `crash-${o.seed}-${round}-${i}`,
          channel: o.channels
            ? (o.channels[i % o.channels.length] ?? 'line')
            : random() < 0.5
              ? 'line'
              : 'telegram',
        };
        submitted.push(m);
        batch.push(m);
      }
      const sending = (async () => {
        for (let i = 0; i < batch.length; i += 8) await Promise.all(batch.slice(i, i + 8).map(submit));
      })();
      const timer = setTimeout(() => proc.kill('SIGKILL'), plan.killAfterMs);
      await exited(proc);
      deaths.push(Date.now());
      clearTimeout(timer);
      await sending;
      kills.push(`${plan.crashAt ?? 'timer'} (round ${round}, ${proc.signalCode ?? proc.exitCode})`);
      log(`round ${round}: killed at ${kills.at(-1)}`);
    }

    // The last life: no crash. Resolve the unknowns, then wait for every message to finish.
    if (database) await startWorker(0);
    else await startGateway();
    for (const m of submitted.filter((s) => s.id === undefined)) await submit(m);
    const finals = new Map<string, FinalView>();
    const deadline = Date.now() + 60_000;
    for (const m of submitted) {
      if (!m.id) continue;
      for (;;) {
        const res = await request(`${base}/v1/messages/${m.id}`, {
          dispatcher: agent,
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        const view = (await res.body.json()) as FinalView;
        if (['sent', 'failed'].includes(view.status) || Date.now() > deadline) {
          finals.set(m.token, view);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    // Callbacks of the final statuses may still be in flight.
    const finalCallbacksIn = () =>
      [...finals.values()].every((f) =>
        receiver.received.some(
          (r) => r.body.includes(`"messageId":"${f.id}"`) && r.body.includes(`"status":"${f.status}"`),
        ),
      );
    while (!finalCallbacksIn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const known = new Set(submitted.map((m) => m.token));
    const providerHits = new Map<string, Array<Received & { at: number }>>();
    const unknownAtProvider: string[] = [];
    for (const [i, r] of provider.received.entries()) {
      const token = tokenOf(r.body);
      if (!token || !known.has(token)) {
        unknownAtProvider.push(token ?? r.body.slice(0, 80));
        continue;
      }
      providerHits.set(token, [...(providerHits.get(token) ?? []), { ...r, at: arrivals[i] ?? 0 }]);
    }
    const callbacks = new Map<string, Array<{ webhookId: string; status: string }>>();
    for (const r of receiver.received) {
      const data = JSON.parse(r.body).data as { messageId: string; status: string };
      callbacks.set(data.messageId, [
        ...(callbacks.get(data.messageId) ?? []),
        { webhookId: String(r.headers['webhook-id']), status: data.status },
      ]);
    }
    return { submitted, finals, providerHits, unknownAtProvider, callbacks, kills, deaths };
  } finally {
    for (const proc of [child, apiProcess, ...workers]) {
      proc?.kill('SIGKILL');
      if (proc) await exited(proc);
    }
    if (database) await database.drop();
    await agent.close();
    await provider.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh database for one scale-out run, and the means to drop it. */
async function createDatabase(
  adminUrl: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `omnigate_crash_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** `omnigate migrate`, as an operator runs it before starting the processes. */
async function migrate(databaseUrl: string): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
    cwd: REPO_ROOT,
    env: { ...process.env, OMNIGATE_DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  if (code !== 0) throw new Error(`omnigate migrate exited with ${code}`);
}

/**
 * Where a life ends: the named crash points and a random time take turns (so even a short run
 * visits each), at a seeded pass or moment. A crash point's timer is only a backstop for a point
 * this life never reaches.
 */
function pickCrash(random: () => number, turn: number): { crashAt?: string; killAfterMs: number } {
  const pass = 1 + Math.floor(random() * 20);
  switch (turn % 4) {
    case 0:
      return { crashAt: `after_claim:${1 + (pass % 4)}`, killAfterMs: 4_000 };
    case 1:
      return { crashAt: `after_provider_answer:${pass}`, killAfterMs: 4_000 };
    case 2:
      return { crashAt: `before_callback:${pass}`, killAfterMs: 4_000 };
    default:
      return { killAfterMs: 300 + Math.floor(random() * 1_200) };
  }
}
