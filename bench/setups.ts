/**
 * The deployments of Omnigate the bench measures: the embedded default (SQLite, one process) and
 * scale-out (PostgreSQL + Redis, one `omnigate api` and N `omnigate worker`). Each runs in
 * production mode with the channel's API base on the fake provider and its rate limit lifted.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPTIONS } from './options.ts';
import { freePort, gatewayArgs, peakRss, startProcess } from './processes.ts';

export const API_KEY = 'og_bench_key_000000000000000000000000000000';
/** The gateways' master key: fixed, so a restart and the bench's own seeding of a data dir agree. */
export const MASTER_KEY = Buffer.alloc(32, 7);

export interface Gateway {
  url: string;
  /** Each process with what it does (`api`, `worker`, …), for the memory figures. */
  processes: Array<{ role: string; child: ChildProcess }>;
  cleanup(): Promise<void>;
}

export interface Setup {
  name: string;
  /** The short name `--setups` picks it by. */
  key: string;
  start(providerUrl: string): Promise<Gateway>;
}

function gatewayEnv(providerUrl: string, dataDir: string): Record<string, string> {
  const channel = OPTIONS.channel.toUpperCase();
  return {
    OMNIGATE_MODE: 'production',
    OMNIGATE_DATA_DIR: dataDir,
    OMNIGATE_API_KEY: API_KEY,
    OMNIGATE_MASTER_KEY: MASTER_KEY.toString('base64'),
    [`OMNIGATE_${channel}_API_BASE`]: `${providerUrl}/${OPTIONS.channel}`,
    // The bench measures the gateway, not the provider's documented rate per account.
    [`OMNIGATE_${channel}_RATE_PER_SECOND`]: '1000000',
    // The sink is on loopback, which callbacks may not reach unless allowed.
    OMNIGATE_WEBHOOK_ALLOWLIST: '127.0.0.1/32',
    LOG_LEVEL: 'warn',
    ...(process.env.OMNIGATE_SQLITE_SYNCHRONOUS
      ? { OMNIGATE_SQLITE_SYNCHRONOUS: process.env.OMNIGATE_SQLITE_SYNCHRONOUS }
      : {}),
  };
}

/** `omnigate <command>` on the compiled build, as an operator runs it (run.ts builds it first). */
function omnigate(command: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const [node, args] = gatewayArgs(command);
  return startProcess(node, args, env, ready).then((p) => p.child);
}

/**
 * The embedded default on a data dir the caller names (a restart reuses it), on `port` when given;
 * cleanup removes the directory.
 */
export async function startEmbedded(providerUrl: string, dataDir: string, port?: number): Promise<Gateway> {
  port ??= await freePort();
  const gateway = await omnigate(
    'start',
    { PORT: String(port), ...gatewayEnv(providerUrl, dataDir) },
    /listening on/,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    processes: [{ role: 'gateway', child: gateway }],
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export const newDataDir = () => mkdtempSync(join(tmpdir(), 'omnigate-bench-'));

export const embedded: Setup = {
  name: 'embedded (SQLite, one process)',
  key: 'embedded',
  start: (providerUrl) => startEmbedded(providerUrl, newDataDir()),
};

export function scaleOut(workers: number): Setup {
  return {
    name: `scale-out (PostgreSQL + Redis, 1 api + ${workers} worker${workers > 1 ? 's' : ''})`,
    key: String(workers),
    async start(providerUrl) {
      const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-bench-'));
      const { default: pg } = await import('pg');
      const name = `omnigate_bench_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: OPTIONS.postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(OPTIONS.postgresUrl);
      url.pathname = `/${name}`;
      const port = await freePort();
      const env = {
        ...gatewayEnv(providerUrl, dataDir),
        OMNIGATE_DATABASE_URL: url.toString(),
        OMNIGATE_REDIS_URL: OPTIONS.redisUrl,
        OMNIGATE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      };
      await omnigate('migrate', env, /Applied migrations|up to date/);
      const processes = [
        { role: 'api', child: await omnigate('api', { ...env, PORT: String(port) }, /listening on/) },
      ];
      for (let i = 0; i < workers; i++) {
        processes.push({ role: 'worker', child: await omnigate('worker', env, /Omnigate worker/) });
      }
      return {
        url: `http://127.0.0.1:${port}`,
        processes,
        async cleanup() {
          rmSync(dataDir, { recursive: true, force: true });
          const client = new pg.Client({ connectionString: OPTIONS.postgresUrl });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

export function pickedSetups(): Setup[] {
  const all = OPTIONS.scaleOut || OPTIONS.setups ? [embedded, scaleOut(1), scaleOut(2)] : [embedded];
  return OPTIONS.setups ? all.filter((s) => OPTIONS.setups!.includes(s.key)) : all;
}

/** Peak RSS of each process, read before it stops. */
export function gatewayMemory(g: Gateway): Array<{ role: string; bytes: number | undefined }> {
  return g.processes.map((p) => ({ role: p.role, bytes: peakRss(p.child.pid) }));
}
