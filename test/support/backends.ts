/**
 * The backends every conformance suite runs against (the BullMQ pattern: one suite, a factory per
 * backend). PostgreSQL joins when it is reachable (OMNIGATE_TEST_POSTGRES_URL, default the local
 * server); each of its backends gets a database of its own, dropped again by `store.close()`.
 * OMNIGATE_REQUIRE_SERVICES=1 (CI) turns an unreachable server into a failure instead of a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { FACADE_CALLBACK_FORMATS } from '../../src/compat/index.ts';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { createSecretBox } from '../../src/lib/crypto.ts';
import { createPostgresBackend, type PostgresBackendOptions } from '../../src/store/postgres/index.ts';
import { createSqliteBackend } from '../../src/store/sqlite/index.ts';
import { callbackPayloads } from '../../src/webhooks/formats/registry.ts';

/** The callback bodies a gateway's store builds: Omnigate's own and every façade's (runtime.ts). */
export const CALLBACK_PAYLOADS = callbackPayloads(FACADE_CALLBACK_FORMATS);

export interface BackendFactory {
  name: string;
  create(): Promise<{ store: Store; queue: JobQueue }>;
}

const POSTGRES_URL = process.env.OMNIGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL without its password, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Why the server cannot be used, or undefined when it can. */
async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of its own on the test server, made and dropped through the server's admin URL. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createTestDatabase(): Promise<TestDatabase> {
  const name = `omnigate_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

const problem = await unreachable(POSTGRES_URL);
if (problem !== undefined) {
  const line = `PostgreSQL not reachable at ${shown(POSTGRES_URL)} (${problem})`;
  if (process.env.OMNIGATE_REQUIRE_SERVICES === '1') {
    throw new Error(`${line}; OMNIGATE_REQUIRE_SERVICES=1 makes the postgres suites mandatory`);
  }
  console.warn(`${line}: postgres conformance suites skipped`);
}

/** The PostgreSQL test server, when reachable: fresh databases, and backends over them. */
export const POSTGRES = problem
  ? undefined
  : {
      /** The server's own URL, for what a test does across databases (only ever on its own). */
      adminUrl: POSTGRES_URL,
      createDatabase: createTestDatabase,
      /** A backend over a fresh database; closing its store drops the database. */
      async createBackend(
        options: Partial<Omit<PostgresBackendOptions, 'url' | 'secrets'>> = {},
      ): Promise<{ store: Store; queue: JobQueue; url: string }> {
        const database = await createTestDatabase();
        try {
          const backend = await createPostgresBackend({
            url: database.url,
            secrets: createSecretBox(randomBytes(32)),
            callbackPayloads: CALLBACK_PAYLOADS,
            migrate: true,
            // One test owns its database, as a single-node deployment does.
            singleProcess: true,
            poolSize: 4,
            ...options,
          });
          const close = backend.store.close;
          backend.store = {
            ...backend.store,
            async close() {
              await close();
              await database.drop();
            },
          };
          return { ...backend, url: database.url };
        } catch (error) {
          await database.drop();
          throw error;
        }
      },
    };

export const BACKENDS: BackendFactory[] = [
  {
    name: 'sqlite',
    async create() {
      return createSqliteBackend({
        path: ':memory:',
        secrets: createSecretBox(randomBytes(32)),
        callbackPayloads: CALLBACK_PAYLOADS,
      });
    },
  },
  ...(POSTGRES ? [{ name: 'postgres', create: () => POSTGRES.createBackend() }] : []),
];
