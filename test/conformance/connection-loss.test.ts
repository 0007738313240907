/**
 * A gateway whose database or Redis goes away, as real processes see it: connections terminated
 * by the server, reset by the network, refused; Redis stopped and started again. The process must
 * live on, tell clients of requests it cut off that their outcome is unknown (and how to retry),
 * keep messages queued rather than half-sent, say in /readyz what is down, log an outage a few
 * times rather than per poll, and carry on by itself once the server is back.
 *
 * Each test owns what it breaks: a database of its own (only its backends are terminated), a
 * relay of its own in front of the shared PostgreSQL server, a Redis server of its own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { migratePostgres } from '../../src/store/postgres/index.ts';
import { POSTGRES } from '../support/backends.ts';
import { freePort, type OmnigateProcess, startOmnigate } from '../support/omnigate-process.ts';
import { LINE_USER } from '../support/recipients.ts';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.ts';

const API_KEY = 'og_connection_loss_suite_key_0123456789';

interface Answer {
  status: number;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers freely.
  body: any;
}

/** A client of one gateway over real HTTP. */
function client(base: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      // A request the gateway never answers fails here, named, rather than as the test's timeout.
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
    } satisfies Answer;
  };
  const send = (text: string, key?: string) =>
    call(
      'POST',
      '/v1/messages',
      { channel: 'line', to: LINE_USER, message: { type: 'text', text } },
      key ? { 'idempotency-key': key } : {},
    );
  return {
    call,
    send,
    async status(id: string): Promise<string> {
      return (await call('GET', `/v1/messages/${id}`)).body.status as string;
    },
    /** Waits until every message is `sent` or further. */
    async allSent(ids: string[], timeoutMs = 20_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const seen = await Promise.all(ids.map((id) => call('GET', `/v1/messages/${id}`)));
        if (seen.every((m) => ['sent', 'delivered', 'read'].includes(m.body?.status))) return;
        if (Date.now() > until) {
          throw new Error(`not all sent: ${seen.map((m) => m.body?.status ?? m.status).join(',')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

/** The answer a request cut off by a lost database connection must get. */
function expectOutcomeUnknown(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(503);
  expect(answer.type).toMatch(/^application\/problem\+json/);
  expect(answer.body.code).toBe('GW_OUTCOME_UNKNOWN');
  expect(answer.body.detail).toMatch(/Idempotency-Key/);
}

/** Processes start in seconds on a shared machine, and outages here last seconds by design. */
vi.setConfig({ testTimeout: 90_000 });

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigate-connection-loss-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  env: Record<string, string>,
  command: 'start' | 'api' | 'worker' = 'start',
): Promise<OmnigateProcess & { base: string }> {
  const port = await freePort();
  const gateway = await startOmnigate(command, {
    PORT: String(port),
    OMNIGATE_DATA_DIR: dataDir(),
    OMNIGATE_API_KEY: API_KEY,
    OMNIGATE_LINE_RECIPIENT_RATE_PER_SECOND: '1000',
    LOG_LEVEL: 'warn',
    ...env,
  });
  cleanup.push(() => gateway.stop());
  return Object.assign(gateway, { base: `http://127.0.0.1:${port}` });
}

describe.skipIf(!POSTGRES)('a gateway on PostgreSQL losing its connections', () => {
  /** A migrated database of this test's own, and a gateway process on it (through `port`). */
  async function gatewayOnOwnDatabase(port?: number) {
    const database = await POSTGRES!.createDatabase();
    cleanup.push(() => database.drop());
    await migratePostgres(database.url);
    const url = new URL(database.url);
    const name = url.pathname.slice(1);
    if (port !== undefined) {
      url.hostname = '127.0.0.1';
      url.port = String(port);
    }
    const gateway = (await start({
      OMNIGATE_DATABASE_URL: url.toString(),
      OMNIGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      // Jobs claimed when a connection broke come back when their lease runs out: the shortest
      // lease the provider timeout allows, so that happens within the test.
      OMNIGATE_PROVIDER_TIMEOUT_MS: '1000',
      OMNIGATE_LEASE_MS: '4000',
    })) as OmnigateProcess & { base: string };
    return { gateway, api: client(gateway.base), database, name };
  }

  /**
   * Holds every insert into `messages` of the database behind a lock, so sends are certain to be
   * in flight, waiting on the server, when a test breaks their connections.
   */
  async function holdSends(databaseUrl: string, name: string) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    admin.on('error', () => undefined);
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
    return {
      admin,
      /** Once at least one send waits on the server: how many do. */
      async waitInFlight(): Promise<number> {
        return until('sends waiting on the lock', async () => {
          const { rows } = await admin.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = $1 AND wait_event_type = 'Lock' AND backend_type = 'client backend'`,
            [name],
          );
          return rows[0]!.n > 0 ? rows[0]!.n : undefined;
        });
      },
      async release() {
        await admin.query('ROLLBACK');
      },
    };
  }

  it('answers sends cut off by pg_terminate_backend with 503 outcome-unknown, and lives on', async () => {
    const { gateway, api, database, name } = await gatewayOnOwnDatabase();
    const first = await api.send('before');
    expect(first.status).toBe(202);
    await api.allSent([first.body.messages[0].id]);

    const lock = await holdSends(database.url, name);
    const keys = [1, 2, 3, 4].map((i) => `cut-${i}`);
    const inFlight = keys.map((key) => api.send(`in flight ${key}`, key));
    const waiting = await lock.waitInFlight();
    // Only the backends of this test's own database, never the shared server's other clients.
    const { rowCount } = await lock.admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    expect(rowCount).toBeGreaterThanOrEqual(waiting);
    await lock.release();

    // Those waiting on the server were cut off; any still on their way got a fresh connection.
    const answers = await Promise.all(inFlight);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(waiting);
    for (const answer of answers) if (answer.status !== 202) expectOutcomeUnknown(answer);
    expect(gateway.exited).toBeUndefined();

    // Retrying with the same keys, as the answer says, sends each message exactly once.
    const retried = await Promise.all(keys.map((key) => api.send(`in flight ${key}`, key)));
    for (const answer of retried) expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const again = await Promise.all(keys.map((key) => api.send(`in flight ${key}`, key)));
    expect(again.map((a) => a.body.messages[0].id)).toEqual(retried.map((a) => a.body.messages[0].id));
    await api.allSent(retried.map((a) => a.body.messages[0].id));
    expect(gateway.exited).toBeUndefined();
  });

  it('survives connections terminated again and again under a stream of sends', async () => {
    const { gateway, api, name } = await gatewayOnOwnDatabase();
    const admin = new pg.Client({ connectionString: POSTGRES!.adminUrl });
    await admin.connect();
    cleanup.push(() => admin.end());
    const answers: Answer[] = [];
    let sending = true;
    const stream = Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (lane) => {
        for (let i = 0; sending; i++) {
          // A process that died answers nothing: recorded as such rather than thrown mid-stream.
          const answer = await api
            .send(`stream ${lane}-${i}`, `stream-${lane}-${i}`)
            .catch((error: Error) => ({
              status: 0,
              type: '',
              body: { error: String(error.cause ?? error) },
            }));
          answers.push(answer);
          if (answer.status === 0) return;
        }
      }),
    );
    for (let round = 0; round < 5; round++) {
      await wait(300);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    }
    await wait(300);
    sending = false;
    await stream;
    expect(gateway.exited).toBeUndefined();
    // Every answer is either stored or says its outcome is unknown: never a 500, never a hang-up.
    for (const answer of answers) {
      if (answer.status !== 202) expectOutcomeUnknown(answer);
    }
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.body.messages[0].id as string);
    expect(accepted.length).toBeGreaterThan(0);
    await api.allSent(accepted);
  });

  it('answers sends whose connection is reset (ECONNRESET) with 503 outcome-unknown, and lives on', async () => {
    const target = new URL(POSTGRES!.adminUrl);
    const gate: TcpGate = await startTcpGate(target.hostname, Number(target.port || 5432));
    cleanup.push(() => gate.close());
    const { gateway, api, database, name } = await gatewayOnOwnDatabase(gate.port);
    const first = await api.send('before');
    expect(first.status).toBe(202);
    // Sent before the lock, so the dispatcher has nothing of its own waiting behind it.
    await api.allSent([first.body.messages[0].id]);

    // The lock is taken directly, not through the relay, so cutting it leaves the lock alone.
    const lock = await holdSends(database.url, name);
    const inFlight = [1, 2, 3].map((i) => api.send(`reset ${i}`, `reset-${i}`));
    const waiting = await lock.waitInFlight();
    gate.cut();
    // Released before the answers are awaited: a send still on its way when the relay was cut
    // takes a fresh connection and would wait on the lock for ever.
    await lock.release();
    const answers = await Promise.all(inFlight);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(waiting);
    for (const answer of answers) if (answer.status !== 202) expectOutcomeUnknown(answer);
    expect(gateway.exited).toBeUndefined();

    const after = await api.send('after the reset');
    expect(after.status, JSON.stringify(after.body)).toBe(202);
    await api.allSent([first.body.messages[0].id, after.body.messages[0].id]);
    expect(gateway.exited).toBeUndefined();
  });

  it('says in /readyz that the database is down while it is, and carries on when it is back', async () => {
    const target = new URL(POSTGRES!.adminUrl);
    const gate = await startTcpGate(target.hostname, Number(target.port || 5432));
    cleanup.push(() => gate.close());
    const { gateway, api } = await gatewayOnOwnDatabase(gate.port);
    const ready = await api.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });

    await gate.close();
    const down = await api.call('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', checks: { database: 'down' } });
    const refused = await api.send('while down');
    expectOutcomeUnknown(refused);
    const read = await api.call('GET', '/v1/messages?limit=1');
    expect(read.status).toBe(503);
    expect(read.body.code).toBe('GW_UNAVAILABLE');
    await wait(3_000);
    // The workers poll all along; an outage is a few lines, not one per poll.
    expect(warnings(gateway.lines).length).toBeLessThanOrEqual(6);

    await gate.open();
    await until('ready again', async () =>
      (await api.call('GET', '/readyz')).status === 200 ? true : undefined,
    );
    const after = await api.send('after');
    expect(after.status).toBe(202);
    await api.allSent([after.body.messages[0].id]);
    expect(gateway.exited).toBeUndefined();
  });
});

/** The log lines at warn level or above (pino levels 40+). */
function warnings(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return typeof entry.level === 'number' && entry.level >= 40 ? [entry] : [];
    } catch {
      return [];
    }
  });
}

/**
 * The Redis tests stop and start a server of their own, never the shared one, so they need the
 * redis-server binary; without it they are skipped with one line (a failure under
 * OMNIGATE_REQUIRE_SERVICES=1, as for the shared servers).
 */
const REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;
if (!REDIS_SERVER) {
  const line = 'redis-server is not on PATH';
  if (process.env.OMNIGATE_REQUIRE_SERVICES === '1')
    throw new Error(`${line}; the Redis outage tests need it`);
  console.warn(`${line}: the Redis outage tests are skipped`);
}

/** A Redis server of this test's own, on a port it keeps across a stop and a start. */
async function ownRedis() {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      proc!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc!.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
  };
  const stop = async () => {
    const running = proc;
    proc = undefined;
    if (!running || running.exitCode !== null) return;
    const gone = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await gone;
  };
  await start();
  cleanup.push(stop);
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

describe.skipIf(!REDIS_SERVER)('a gateway whose Redis goes away', () => {
  it('keeps messages queued, says so in /readyz, logs a few lines, and sends them once Redis is back', async () => {
    const redis = await ownRedis();
    // `omnigate start` dispatches in its own thread, which holds the limits' Redis connection and
    // reports its state to the API's thread for /readyz.
    const gateway = (await start({ OMNIGATE_REDIS_URL: redis.url })) as OmnigateProcess & { base: string };
    expect(gateway.lines.join('\n')).toMatch(/Dispatch: +in a thread of its own/);
    const api = client(gateway.base);
    const first = await api.send('before');
    expect(first.status).toBe(202);
    await api.allSent([first.body.messages[0].id]);
    expect((await api.call('GET', '/readyz')).body).toMatchObject({
      status: 'ok',
      checks: { database: 'ok', redis: 'ok' },
    });

    await redis.stop();
    const quietBefore = warnings(gateway.lines).length;
    // Sends from the moment the gateway knows (a job claimed in the instant the connection drops
    // goes back to the queue still marked sending: docs/guarantees.md).
    await until('redis seen down', async () =>
      (await api.call('GET', '/readyz')).body.checks.redis === 'down' ? true : undefined,
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await api.send(`while redis is down ${i}`);
      expect(answer.status).toBe(202);
      ids.push(answer.body.messages[0].id);
    }
    await wait(10_000);
    // Accepted, and waiting: never marked sending, no attempt used, nothing half-done.
    for (const id of ids) {
      const message = (await api.call('GET', `/v1/messages/${id}`)).body;
      expect(message.status).toBe('queued');
    }
    const readyz = await api.call('GET', '/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', workers: 'ok', redis: 'down' },
    });
    // Ten seconds of outage with the dispatcher polling all along: a few lines, not hundreds.
    const logged = warnings(gateway.lines).slice(quietBefore);
    const said = logged.map((l) => l.msg).join('\n');
    expect(logged.length, said).toBeLessThanOrEqual(4);
    expect(said).toMatch(/redis/i);

    await redis.start();
    await api.allSent(ids);
    expect((await api.call('GET', '/readyz')).status).toBe(200);
    expect(gateway.exited).toBeUndefined();
  });
});

describe.skipIf(!POSTGRES || !REDIS_SERVER)('an omnigate worker whose Redis goes away', () => {
  it('leaves messages queued, logs a few lines, and sends them once Redis is back', async () => {
    const redis = await ownRedis();
    const database = await POSTGRES!.createDatabase();
    cleanup.push(() => database.drop());
    await migratePostgres(database.url);
    const shared = {
      OMNIGATE_DATABASE_URL: database.url,
      OMNIGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      OMNIGATE_REDIS_URL: redis.url,
    };
    const apiProcess = await start(shared, 'api');
    const worker = await start({ ...shared, OMNIGATE_PUBLIC_URL: apiProcess.base }, 'worker');
    const api = client(apiProcess.base);
    const first = await api.send('before');
    expect(first.status).toBe(202);
    await api.allSent([first.body.messages[0].id]);

    const quietBefore = warnings(worker.lines).length;
    await redis.stop();
    // Sends from the moment the worker knows (see the gateway's test above).
    await until('redis seen down', async () =>
      warnings(worker.lines).length > quietBefore ? true : undefined,
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // The api publishes its kick into the void: the accept does not depend on it.
      const answer = await api.send(`while redis is down ${i}`);
      expect(answer.status).toBe(202);
      ids.push(answer.body.messages[0].id);
    }
    await wait(10_000);
    for (const id of ids) expect(await api.status(id)).toBe('queued');
    // The worker's limits and kicks connections each say so once, not at every reconnect or poll.
    const said = warnings(worker.lines)
      .slice(quietBefore)
      .map((l) => l.msg)
      .join('\n');
    expect(said.split('\n').length, said).toBeLessThanOrEqual(4);
    expect(said).toMatch(/redis \(delivery limits\) unavailable/);
    // The api only publishes kicks to Redis, which are hints: it stays ready.
    expect((await api.call('GET', '/readyz')).body).toEqual({ status: 'ok', checks: { database: 'ok' } });

    await redis.start();
    await api.allSent(ids);
    expect(worker.exited).toBeUndefined();
    expect(apiProcess.exited).toBeUndefined();
  });
});
