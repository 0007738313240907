import pg from 'pg';
import { defineConfig } from 'vitest/config';

/**
 * The suites that run a whole gateway through its HTTP API run a second time with the gateway's
 * records in PostgreSQL (test/support/gateway.ts), when a server is reachable: the scale-out
 * backend must keep every promise the embedded one does. OMNIGATE_REQUIRE_SERVICES=1 (CI) runs
 * them regardless, so a missing server fails the run instead of skipping them.
 */
const GATEWAY_SUITES = [
  'test/e2e/**/*.test.ts',
  'test/compat/**/*.test.ts',
  'test/chaos/**/*.test.ts',
  'test/dispatch/shared-limits.test.ts',
];
/** Suites about the embedded backend itself (its file, its lock) or the command, the same on either run. */
const EMBEDDED_ONLY = ['test/e2e/restart.test.ts', 'test/e2e/start-up.test.ts', 'test/e2e/command.test.ts'];

async function postgresReachable(): Promise<boolean> {
  if (process.env.OMNIGATE_REQUIRE_SERVICES === '1') return true;
  const url = process.env.OMNIGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    // Vitest evaluates this file again for the projects that extend it: say it once.
    if (process.env.OMNIGATE_POSTGRES_SKIP_SAID) return false;
    process.env.OMNIGATE_POSTGRES_SKIP_SAID = '1';
    console.warn(
      `PostgreSQL not reachable (${(error as Error).message}): the gateway suites on PostgreSQL are skipped`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const onPostgres = await postgresReachable();

export default defineConfig({
  test: {
    // Two cores: run files in parallel across two forks, never more.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      ...(onPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: GATEWAY_SUITES,
                exclude: EMBEDDED_ONLY,
                env: { OMNIGATE_TEST_GATEWAY_BACKEND: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
