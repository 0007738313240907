/**
 * Assembles a running gateway from configuration: store and queue, the HTTP app, the dispatcher
 * and the callback notifier. main.ts starts it; tests and benchmarks start it on a random port.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { type BootstrapResult, bootstrap } from './bootstrap.ts';
import { CONNECTORS, type ConnectorRegistry, EMULATORS } from './channels/registry.ts';
import { FACADE_CALLBACK_FORMATS } from './compat/index.ts';
import { type ChannelSettings, type Config, channelSettings } from './config/config.ts';
import type { JobQueue } from './core/ports/queue.ts';
import type { ChannelAccountWithSecrets, Store } from './core/ports/store.ts';
import { Dispatcher, type DispatcherOptions } from './dispatch/dispatcher.ts';
import { createRedisLimits } from './dispatch/limits/redis.ts';
import { type CredentialHasher, createCredentialHasher, createSecretBox } from './lib/crypto.ts';
import { lockDataDir } from './lib/data-dir-lock.ts';
import { HttpClient } from './lib/http.ts';
import { redisKicks } from './lib/kicks.ts';
import { createLogger, type Logger } from './lib/log.ts';
import { MediaProbe } from './lib/media-probe.ts';
import { Outage } from './lib/outage.ts';
import { DestinationGuard, type ResolveAll } from './lib/ssrf-guard.ts';
import { SandboxTags } from './sandbox/account-tag.ts';
import { MemoryRecorder } from './sandbox/recorder.ts';
import type { EmulatorRegistry } from './sandbox/types.ts';
import { createSqliteBackend } from './store/sqlite/index.ts';
import { callbackPayloads } from './webhooks/formats/registry.ts';
import { NOTIFIER_CONCURRENCY, Notifier, type NotifierOptions } from './webhooks/notifier.ts';

export interface Gateway {
  config: Config;
  store: Store;
  app: FastifyInstance;
  dispatcher: Dispatcher;
  notifier: Notifier;
  recorder: MemoryRecorder | undefined;
  boot: BootstrapResult;
  url: string;
  /** Where the master key was read from when that is the data dir (see masterKeyWarning). */
  masterKeyInDataDir: string | undefined;
  stop(): Promise<void>;
}

/**
 * The master key: from the environment, from a file, or in sandbox mode generated once into the
 * data dir. `inDataDir` names that file, which start-up warns about: the key beside the database
 * it encrypts protects nothing from whoever can copy the directory.
 */
function masterKey(config: Config): { key: Buffer; inDataDir?: string } {
  if (config.masterKey) return { key: Buffer.from(config.masterKey, 'base64') };
  const dataDir = resolve(config.dataDir);
  if (config.masterKeyFile) {
    const file = resolve(config.masterKeyFile);
    const inside = !relative(dataDir, file).startsWith('..');
    if (inside && config.mode === 'production') {
      throw new Error(
        `OMNIGATE_MASTER_KEY_FILE (${file}) is inside the data directory: in production mode keep the key apart from the data it encrypts`,
      );
    }
    return {
      key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'),
      ...(inside ? { inDataDir: file } : {}),
    };
  }
  if (config.mode === 'production') {
    throw new Error(
      'OMNIGATE_MASTER_KEY (base64 of 32 random bytes) or OMNIGATE_MASTER_KEY_FILE (a file outside the data directory) is required in production mode',
    );
  }
  const file = join(dataDir, 'master.key');
  // startGateway made the data directory before taking its lock.
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), inDataDir: file };
}

/** Production on data that sandbox mode used: its accounts are there, and will not be used. */
function unusedSandboxAccountsWarning(boot: BootstrapResult): string {
  const names = boot.unusedSandboxAccounts.map((a) => `${a.id} (${a.name})`).join(', ');
  return `production mode: the sandbox accounts made in sandbox mode on this data will not be used (their credentials are the emulators' public ones): sends through them are refused with GW_SANDBOX_ACCOUNT and their webhooks answer 404. Create accounts with your provider credentials. Sandbox accounts: ${names}`;
}

/** Said at every start that reads the key from the data dir, so no one ships that by accident. */
export function masterKeyWarning(file: string): string {
  return `the master key is in ${file}, beside the database it encrypts: anyone with a copy of the data directory can read every stored credential. Production mode takes it from OMNIGATE_MASTER_KEY or OMNIGATE_MASTER_KEY_FILE outside the data directory`;
}

export interface GatewayOptions {
  logger?: Logger;
  /** The channels this process runs; omitted, every channel of channels/registry.ts. */
  connectors?: ConnectorRegistry;
  /**
   * The emulators the sandbox mounts; omitted, those of channels/registry.ts. A gateway given a
   * channel the registry lacks (test/fixtures/channels/echo) is given its emulator here too.
   */
  emulators?: EmulatorRegistry;
  /** No request logging (tests, benchmarks). */
  quiet?: boolean;
  /** Tunables tests shorten so retries happen in milliseconds. */
  dispatcher?: Partial<Pick<DispatcherOptions, 'backoff' | 'maxAttempts' | 'leaseMs' | 'idleMs' | 'breaker'>>;
  notifier?: Partial<Pick<NotifierOptions, 'schedule' | 'idleMs'>>;
  /** Leave the workers stopped (tests start them when they choose). */
  startWorkers?: boolean;
  /** The API's clock (tests move it to see expiries). */
  now?: () => Date;
  /** Name resolution for callback destinations (tests point names at chosen addresses). */
  resolveAll?: ResolveAll;
  /**
   * Certificate authorities a media probe trusts besides the system's (PEM), for media hosts
   * behind a private CA (tests serve HTTPS media on loopback with their own certificate).
   */
  mediaProbeCa?: string;
}

/** How long open connections get to finish when the gateway stops. */
const SHUTDOWN_GRACE_MS = 3_000;

interface OpenBackend {
  store: Store;
  queue: JobQueue;
  /**
   * Only this process uses the queue (the embedded file, under its lock): leases found at start
   * belong to a process that died. With PostgreSQL other processes may hold live leases.
   */
  ownsQueueAlone: boolean;
  /** The master key's file when it lives in the data dir (sandbox mode's default). */
  masterKeyInDataDir?: string;
  /** Tags the emulator base URLs with the sending account, under a key from the master key. */
  sandboxTags: SandboxTags;
  /** Keyed hash of presented credentials, derived from the same master key as the secret box. */
  credentialHash: CredentialHasher;
  release(): void;
}

/** The records and the dispatch queue: PostgreSQL when configured, else the embedded SQLite file. */
async function openBackend(config: Config): Promise<OpenBackend> {
  // The master key may live in the data dir (sandbox mode), so the directory comes first.
  mkdirSync(config.dataDir, { recursive: true });
  if (config.databaseUrl && !config.masterKey && !config.masterKeyFile) {
    // Every api and worker process must decrypt what the others stored: a key generated per data
    // directory would differ between processes.
    throw new Error('OMNIGATE_DATABASE_URL needs OMNIGATE_MASTER_KEY, the same on every process');
  }
  const { key, inDataDir } = masterKey(config);
  const secrets = createSecretBox(key);
  // Omnigate's own callback bodies and each façade's notification shape, built by the store.
  const payloads = callbackPayloads(FACADE_CALLBACK_FORMATS);
  const keyNote = {
    sandboxTags: new SandboxTags(key),
    credentialHash: createCredentialHasher(key),
    ...(inDataDir ? { masterKeyInDataDir: inDataDir } : {}),
  };
  if (config.databaseUrl) {
    // Loaded only in scale-out mode, so the embedded default never loads the pg driver.
    const { createPostgresBackend } = await import('./store/postgres/index.ts');
    const backend = await createPostgresBackend({
      url: config.databaseUrl,
      secrets,
      callbackPayloads: payloads,
      poolSize: config.databasePoolSize,
    });
    return { ...backend, ownsQueueAlone: false, ...keyNote, release: () => undefined };
  }
  const releaseLock = lockDataDir(config.dataDir);
  try {
    const backend = createSqliteBackend({
      path: join(config.dataDir, 'omnigate.db'),
      synchronous: config.sqliteSynchronous,
      secrets,
      callbackPayloads: payloads,
    });
    return { ...backend, ownsQueueAlone: true, ...keyNote, release: releaseLock };
  } catch (error) {
    // A database that cannot be opened (corrupt, unwritable) must not keep the directory locked.
    releaseLock();
    throw error;
  }
}

/** The dispatcher and the callback notifier of one process, on the given backend. */
function createWorkers(
  config: RunConfig,
  options: GatewayOptions,
  backend: OpenBackend,
  connectors: ConnectorRegistry,
  log: Logger,
  gatewayUrl: () => string,
  /** `gateway`: API and workers in one process; `api` never dispatches; `worker` has no API. */
  role: 'gateway' | 'api' | 'worker',
) {
  // A connection per send in flight: a send waiting for a connection would only queue in the pool.
  const http = new HttpClient({
    connections: Math.max(128, config.dispatchConcurrency),
    timeoutMs: config.providerTimeoutMs,
  });
  // Scale-out: every worker keeps one set of provider limits and breakers in Redis (an API
  // process, which never dispatches, opens no connection for them).
  const limitsRedis =
    config.redisUrl && role !== 'api'
      ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableAutoPipelining: true })
      : undefined;
  if (limitsRedis) {
    // ioredis reports every failed reconnect (every 2 s at most): the outage is logged once.
    const outage = new Outage('redis (delivery limits)', log, 'messages wait in the queue until it is back');
    limitsRedis.on('error', (err) => outage.down(err));
    limitsRedis.on('ready', () => outage.up());
  }
  const limits =
    limitsRedis &&
    createRedisLimits({
      redis: limitsRedis,
      prefix: `${config.redisPrefix}limits:`,
      slotTtlMs: config.leaseMs,
      ...(options.dispatcher?.breaker ? { breaker: options.dispatcher.breaker } : {}),
    });
  const baseUrlFor = (account: ChannelAccountWithSecrets) => {
    const override = config.apiBases[account.channel];
    if (override) return override.replace(/\/$/, '');
    if (config.mode === 'sandbox') return backend.sandboxTags.baseUrl(gatewayUrl(), account);
    return connectors[account.channel]!.defaultBaseUrl;
  };
  const dispatcher = new Dispatcher({
    store: backend.store,
    queue: backend.queue,
    connectors,
    http,
    baseUrlFor,
    log,
    concurrency: config.dispatchConcurrency,
    // A worker process has no API to keep responsive (DispatcherOptions.claimBatch).
    claimBatch: role === 'worker' ? 128 : 32,
    leaseMs: config.leaseMs,
    ratePerSecond: config.ratePerSecond,
    recipientRatePerSecond: config.recipientRatePerSecond,
    refuseSandboxAccounts: config.mode === 'production',
    ...options.dispatcher,
    ...(limits ? { limits } : {}),
  });
  // Callback URLs are the tenants' choice, so their client refuses non-public addresses.
  const destinationGuard = new DestinationGuard(config.webhookAllowlist, options.resolveAll);
  // Bounded like a provider exchange, so a claimed callback's attempt ends within its lease too.
  const callbackHttp = new HttpClient({
    connections: NOTIFIER_CONCURRENCY,
    guard: destinationGuard,
    timeoutMs: config.providerTimeoutMs,
  });
  const notifier = new Notifier({
    store: backend.store,
    http: callbackHttp,
    log,
    leaseMs: config.leaseMs,
    ...options.notifier,
  });
  return {
    dispatcher,
    notifier,
    destinationGuard,
    /** What /readyz reports besides the database: the Redis the limits live in, if any. */
    dependencies: (): Record<string, boolean> =>
      limitsRedis ? { redis: limitsRedis.status === 'ready' } : {},
    /** After the dispatcher and notifier have stopped. */
    async close() {
      await http.close();
      await callbackHttp.close();
      limitsRedis?.disconnect();
    },
  };
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  return startProcess(config, options, { workers: true });
}

/**
 * `omnigate api`: the HTTP API (and, in sandbox mode, the provider emulators) without workers.
 * Accepted messages wait in the shared queue for `omnigate worker` processes.
 */
export async function startApiProcess(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  if (!config.databaseUrl) {
    throw new Error('omnigate api needs OMNIGATE_DATABASE_URL: the embedded SQLite file serves one process');
  }
  return startProcess(config, options, { workers: false });
}

/** The configuration with the per-channel settings of the connectors this process runs. */
type RunConfig = Config & ChannelSettings;

/** Reads OMNIGATE_<NAME>_* for the connectors the process is given; a bad value stops the start. */
const runConfig = (config: Config, connectors: ConnectorRegistry): RunConfig => ({
  ...config,
  ...channelSettings(config, Object.keys(connectors)),
});

async function startProcess(
  given: Config,
  options: GatewayOptions,
  roles: { workers: boolean },
): Promise<Gateway> {
  const config = runConfig(given, options.connectors ?? CONNECTORS);
  const backend = await openBackend(config);
  // A start that fails half-way (the port is taken, say) closes what it opened, in reverse: a
  // caller that retries, or a test that expects the failure, must not inherit open pools,
  // connections or the data-directory lock.
  const opened: Array<() => unknown> = [() => backend.release(), () => backend.store.close()];
  try {
    return await launch(config, options, roles, backend, (close) => opened.push(close));
  } catch (error) {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
}

async function launch(
  config: RunConfig,
  options: GatewayOptions,
  roles: { workers: boolean },
  backend: OpenBackend,
  onOpened: (close: () => unknown) => void,
): Promise<Gateway> {
  const connectors = options.connectors ?? CONNECTORS;
  const log = options.logger ?? createLogger(config.logLevel);
  if (backend.masterKeyInDataDir) log.warn(masterKeyWarning(backend.masterKeyInDataDir));
  const { store, queue } = backend;
  if (backend.ownsQueueAlone) {
    // Any lease still held belongs to a process that died: its jobs and callbacks are due now
    // rather than when the lease would have run out.
    await queue.releaseLeases(new Date());
    await store.callbacks.releaseLeases(new Date());
  }
  const sandbox = config.mode === 'sandbox';
  const boot = await bootstrap(store, connectors, {
    apiKey: config.apiKey,
    sandbox,
    credentialHash: backend.credentialHash,
  });
  if (boot.unusedSandboxAccounts.length > 0) log.warn(unusedSandboxAccountsWarning(boot));

  // The sandbox emulators need the gateway's own URL (to post signed webhooks back) before the
  // routes are registered, so the port is settled first.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const localUrl = () => url;
  const recorder = sandbox ? new MemoryRecorder() : undefined;
  const workers = createWorkers(
    config,
    options,
    backend,
    connectors,
    log,
    localUrl,
    roles.workers ? 'gateway' : 'api',
  );
  onOpened(() => workers.close());
  const { dispatcher, notifier, destinationGuard } = workers;
  // Media URLs are the sender's choice like callback URLs, so the probe goes through the same guard.
  const mediaProbe =
    config.mediaProbeTimeoutMs > 0
      ? new MediaProbe({
          guard: destinationGuard,
          timeoutMs: config.mediaProbeTimeoutMs,
          ...(options.mediaProbeCa ? { ca: options.mediaProbeCa } : {}),
        })
      : undefined;
  if (mediaProbe) onOpened(() => mediaProbe.close());
  const kicks =
    !roles.workers && config.redisUrl ? kicksOn(config.redisUrl, config.redisPrefix, log) : undefined;
  if (kicks) onOpened(() => kicks.close());

  const app = await buildApp({
    store,
    connectors,
    logger: options.quiet ? false : log,
    bodyLimitBytes: config.bodyLimitBytes,
    credentialHash: backend.credentialHash,
    connections: config.connections,
    destinationGuard,
    ...(mediaProbe ? { probeMedia: mediaProbe.probe } : {}),
    ...(config.videoPreviewUrl ? { videoPreviewUrl: config.videoPreviewUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    defaultTtlSeconds: config.defaultTtlSeconds,
    ...(config.consentKeywords ? { consentKeywords: config.consentKeywords } : {}),
    onAccepted: roles.workers
      ? (withCallbacks) => {
          dispatcher.kick();
          if (withCallbacks) notifier.kick();
        }
      : (withCallbacks) => kicks?.publish(withCallbacks),
    ...(roles.workers ? { isReady: () => dispatcher.isRunning && notifier.isRunning } : {}),
    // An api process's Redis carries only kicks, which are hints: it is not a reason to be unready.
    dependencies: workers.dependencies,
    publicUrl: localUrl,
    production: config.mode === 'production',
    ...(recorder
      ? {
          sandbox: {
            emulators: options.emulators ?? EMULATORS,
            recorder,
            tags: backend.sandboxTags,
            chaos: config.sandboxChaos,
            webhookTenants: () =>
              Object.fromEntries(boot.sandboxAccounts.map((a) => [a.channel, a.tenantId])),
            webhookUrls: () =>
              Object.fromEntries(
                boot.sandboxAccounts.map((a) => [a.channel, `${localUrl()}/webhooks/${a.channel}/${a.id}`]),
              ),
          },
        }
      : {}),
  });
  onOpened(() => app.close());
  await app.listen({ port, host: config.host });
  if (roles.workers && options.startWorkers !== false) {
    dispatcher.start();
    notifier.start();
  }

  return {
    config,
    store,
    app,
    dispatcher,
    notifier,
    recorder,
    boot,
    url,
    masterKeyInDataDir: backend.masterKeyInDataDir,
    async stop() {
      // Workers first: their in-flight sends may be to the sandbox on this very server. Anything
      // accepted meanwhile is stored and queued, and goes out after the next start.
      await dispatcher.stop();
      await notifier.stop();
      // Then the server, with a deadline: a peer that keeps a connection open (a provider's
      // webhook client, a stalled upload) must not hold a shutdown forever.
      const force = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await app.close();
      clearTimeout(force);
      await workers.close();
      await mediaProbe?.close();
      await kicks?.close();
      await store.close();
      backend.release();
    },
  };
}

export interface WorkerProcess {
  dispatcher: Dispatcher;
  notifier: Notifier;
  stop(): Promise<void>;
}

/**
 * `omnigate worker`: the dispatcher and the callback notifier on the shared PostgreSQL records,
 * without an HTTP server. In sandbox mode the providers are the emulators of the API process at
 * OMNIGATE_PUBLIC_URL.
 */
export async function startWorkerProcess(
  config: Config,
  options: GatewayOptions = {},
): Promise<WorkerProcess> {
  if (!config.databaseUrl) {
    throw new Error(
      'omnigate worker needs OMNIGATE_DATABASE_URL: the embedded SQLite file serves one process',
    );
  }
  const publicUrl = config.publicUrl;
  if (config.mode === 'sandbox' && !publicUrl) {
    throw new Error(
      "omnigate worker in sandbox mode needs OMNIGATE_PUBLIC_URL: the API process's URL, where the emulators are",
    );
  }
  const connectors = options.connectors ?? CONNECTORS;
  const run = runConfig(config, connectors);
  const log = options.logger ?? createLogger(config.logLevel);
  const backend = await openBackend(config);
  if (backend.masterKeyInDataDir) log.warn(masterKeyWarning(backend.masterKeyInDataDir));
  if (!config.redisUrl) {
    log.warn(
      "no OMNIGATE_REDIS_URL: provider rate limits, recipient pacing and circuit breakers are kept per worker process, so N workers may send at N times an account's rate",
    );
  }
  const workers = createWorkers(run, options, backend, connectors, log, () => publicUrl ?? '', 'worker');
  const { dispatcher, notifier } = workers;
  const kicks = config.redisUrl ? kicksOn(config.redisUrl, config.redisPrefix, log) : undefined;
  await kicks?.subscribe((withCallbacks) => {
    dispatcher.kick();
    if (withCallbacks) notifier.kick();
  });
  if (options.startWorkers !== false) {
    dispatcher.start();
    notifier.start();
  }
  return {
    dispatcher,
    notifier,
    async stop() {
      await kicks?.close();
      await dispatcher.stop();
      await notifier.stop();
      await workers.close();
      await backend.store.close();
      backend.release();
    },
  };
}

/** Kicks through Redis, an outage of which is logged once: workers still poll meanwhile. */
function kicksOn(url: string, prefix: string, log: Logger) {
  const outage = new Outage('redis (kicks)', log, 'workers find new work at their next poll instead');
  return redisKicks(
    url,
    prefix,
    (err) => outage.down(err),
    () => outage.up(),
  );
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
