/**
 * The Redis server the scale-out suites run against (OMNIGATE_TEST_REDIS_URL, default the local
 * server). Each test works under a key prefix of its own and deletes its keys afterwards, so
 * suites share the server without seeing each other. When the server is not reachable the suites
 * that asked are skipped with one line saying so; OMNIGATE_REQUIRE_SERVICES=1 (CI) makes that a
 * failure instead.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.OMNIGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The URL without its password, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Why the server cannot be used, or undefined when it can. */
async function unreachable(url: string): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The connection's own error (ECONNREFUSED, ENOTFOUND) says more than the failed command's.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (cause ?? (error as Error)).message || String(error);
  } finally {
    client.disconnect();
  }
}

export interface TestRedis {
  url: string;
  /** A new connection (as a separate process would have); closed by `closeAll`. */
  connect(): Redis;
  /** A key prefix no other test uses. */
  newPrefix(): string;
  /** Keys under `prefix`, for checks. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes every key under `prefix`. */
  dropPrefix(prefix: string): Promise<void>;
  /** Closes every connection `connect` made. */
  closeAll(): Promise<void>;
}

let probed: Promise<string | undefined> | undefined;

/**
 * The test server, or undefined (after one line on the console) when it is not reachable.
 * `suites` names what is skipped, e.g. "redis limit suites".
 */
export async function testRedis(suites: string): Promise<TestRedis | undefined> {
  probed ??= unreachable(REDIS_URL);
  const problem = await probed;
  if (problem !== undefined) {
    const line = `Redis not reachable at ${shown(REDIS_URL)} (${problem})`;
    if (process.env.OMNIGATE_REQUIRE_SERVICES === '1') {
      throw new Error(`${line}; OMNIGATE_REQUIRE_SERVICES=1 makes the ${suites} mandatory`);
    }
    console.warn(`${line}: ${suites} skipped`);
    return undefined;
  }
  const open: Redis[] = [];
  const connect = () => {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    open.push(client);
    return client;
  };
  let admin: Redis | undefined;
  const adminConnection = () => {
    admin ??= connect();
    return admin;
  };
  const keys = async (prefix: string) => {
    const found: string[] = [];
    // SCAN, not KEYS: the server is shared with other suites.
    for await (const batch of adminConnection().scanStream({ match: `${prefix}*`, count: 500 })) {
      found.push(...(batch as string[]));
    }
    return found;
  };
  return {
    url: REDIS_URL,
    connect,
    newPrefix: () => `omnigate-test:${randomBytes(6).toString('hex')}:`,
    keys,
    async dropPrefix(prefix) {
      const found = await keys(prefix);
      if (found.length > 0) await adminConnection().del(...found);
    },
    async closeAll() {
      admin = undefined;
      await Promise.all(open.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
