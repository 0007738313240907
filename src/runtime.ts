/**
 * Assembles a running gateway from configuration: store and queue, the HTTP app, the dispatcher
 * and the callback notifier. main.ts starts it; tests and benchmarks start it on a random port.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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
import { WriteTurns } from './store/sqlite/write-turns.ts';
import { callbackPayloads } from './webhooks/formats/registry.ts';
import { NOTIFIER_CONCURRENCY, Notifier, type NotifierOptions } from './webhooks/notifier.ts';

/** What the API's side holds of a polling worker, in this thread or the dispatch thread. */
export type WorkerControl = Pick<Dispatcher, 'start' | 'kick' | 'stop' | 'isRunning'>;

export interface Gateway {
  config: Config;
  store: Store;
  app: FastifyInstance;
  dispatcher: WorkerControl;
  notifier: WorkerControl;
  recorder: MemoryRecorder | undefined;
  boot: BootstrapResult;
  url: string;
  /** Where the master key was read from when that is the data dir (see masterKeyWarning). */
  masterKeyInDataDir: string | undefined;
  /** Whether the dispatcher runs in the dispatch thread rather than on this one. */
  dispatchInThread: boolean;
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
  /**
   * Run the dispatcher in a worker thread with its own SQLite connection, the notifier staying on
   * this one (`omnigate start` sets it from OMNIGATE_DISPATCH_THREAD). Only what can cross a
   * thread may come with it: the registry's connectors and emulators, real time, the process's
   * logger; so it refuses `connectors`, `emulators`, `logger`, `now` and `startWorkers: false`.
   * Ignored with PostgreSQL, where `omnigate worker` processes do the same.
   */
  dispatchThread?: boolean;
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
  /** The master key itself, for the dispatch thread to open the same secrets. */
  key: Buffer;
  /** Forget a tenant's cached webhook subscriptions (another connection changed them). */
  forgetWebhooks(tenantId: string): void;
  release(): void;
}

/** What the process shares with its dispatch thread beyond messages. */
interface ThreadLink {
  relay: (tenantId: string) => void;
  writeTurns: WriteTurns;
}

/** The two sides taking turns at the embedded file's write lock. */
const API_TURN = 1;
const THREAD_TURN = 2;

/** The embedded file shared with the dispatch thread: how this connection takes part. */
interface SharedFile {
  /** Whose turn it is at the write lock, between the API's connection and the thread's. */
  writeTurns: WriteTurns;
  onWebhooksChanged(tenantId: string): void;
}

/** The records and the dispatch queue: PostgreSQL when configured, else the embedded SQLite file. */
async function openBackend(config: Config, shared?: SharedFile): Promise<OpenBackend> {
  // The master key may live in the data dir (sandbox mode), so the directory comes first.
  mkdirSync(config.dataDir, { recursive: true });
  if (config.databaseUrl && !config.masterKey && !config.masterKeyFile) {
    // Every api and worker process must decrypt what the others stored: a key generated per data
    // directory would differ between processes.
    throw new Error('OMNIGATE_DATABASE_URL needs OMNIGATE_MASTER_KEY, the same on every process');
  }
  const { key, inDataDir } = masterKey(config);
  if (config.databaseUrl) {
    const secrets = createSecretBox(key);
    const payloads = callbackPayloads(FACADE_CALLBACK_FORMATS);
    const keyNote = keyNoteOf(key, inDataDir);
    // Loaded only in scale-out mode, so the embedded default never loads the pg driver.
    const { createPostgresBackend } = await import('./store/postgres/index.ts');
    const backend = await createPostgresBackend({
      url: config.databaseUrl,
      secrets,
      callbackPayloads: payloads,
      poolSize: config.databasePoolSize,
    });
    return {
      ...backend,
      ownsQueueAlone: false,
      ...keyNote,
      forgetWebhooks: () => undefined,
      release: () => undefined,
    };
  }
  const releaseLock = lockDataDir(config.dataDir);
  try {
    return { ...openSqlite(config, key, inDataDir, shared), release: releaseLock };
  } catch (error) {
    // A database that cannot be opened (corrupt, unwritable) must not keep the directory locked.
    releaseLock();
    throw error;
  }
}

function keyNoteOf(key: Buffer, inDataDir: string | undefined) {
  return {
    key,
    sandboxTags: new SandboxTags(key),
    credentialHash: createCredentialHasher(key),
    ...(inDataDir ? { masterKeyInDataDir: inDataDir } : {}),
  };
}

/** The embedded file, opened by the process (under its lock) or by its dispatch thread. */
function openSqlite(
  config: Config,
  key: Buffer,
  inDataDir: string | undefined,
  shared: SharedFile | undefined,
): Omit<OpenBackend, 'release'> {
  const backend = createSqliteBackend({
    path: join(config.dataDir, 'omnigate.db'),
    synchronous: config.sqliteSynchronous,
    secrets: createSecretBox(key),
    // Omnigate's own callback bodies and each façade's notification shape, built by the store.
    callbackPayloads: callbackPayloads(FACADE_CALLBACK_FORMATS),
    ...(shared
      ? { writeTurns: shared.writeTurns, onWebhooksChanged: (t) => shared.onWebhooksChanged(t) }
      : {}),
  });
  return { ...backend, ownsQueueAlone: true, ...keyNoteOf(key, inDataDir) };
}

/** The dispatcher of a process or of its dispatch thread, with its provider client and limits. */
function createDispatcher(
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
  const dependencies = (): Record<string, boolean> =>
    limitsRedis ? { redis: limitsRedis.status === 'ready' } : {};
  return {
    dispatcher,
    /** What /readyz reports besides the database: the Redis the limits live in, if any. */
    dependencies,
    /** Calls `listener` with `dependencies()` whenever the connection behind them changes state. */
    watchDependencies(listener: (state: Record<string, boolean>) => void): void {
      for (const event of ['ready', 'close', 'end', 'reconnecting'])
        limitsRedis?.on(event, () => listener(dependencies()));
    },
    /** After the dispatcher has stopped. */
    async close() {
      await http.close();
      limitsRedis?.disconnect();
    },
  };
}

/** The callback notifier of a process, on the given backend, with the client it delivers through. */
function createNotifier(
  config: RunConfig,
  options: GatewayOptions,
  backend: Pick<OpenBackend, 'store'>,
  log: Logger,
) {
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
  return { notifier, destinationGuard, close: () => callbackHttp.close() };
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
  const threaded = roles.workers && options.dispatchThread === true && !config.databaseUrl;
  if (threaded) refuseWhatCannotCross(options);
  // The dispatch thread is started once the API listens; until then there is no one to tell.
  const thread: ThreadLink | undefined = threaded
    ? { relay: () => undefined, writeTurns: new WriteTurns(WriteTurns.newBuffer(), API_TURN) }
    : undefined;
  const backend = await openBackend(
    config,
    thread && { writeTurns: thread.writeTurns, onWebhooksChanged: (t) => thread.relay(t) },
  );
  // A start that fails half-way (the port is taken, say) closes what it opened, in reverse: a
  // caller that retries, or a test that expects the failure, must not inherit open pools,
  // connections or the data-directory lock.
  const opened: Array<() => unknown> = [() => backend.release(), () => backend.store.close()];
  try {
    return await launch(config, options, roles, backend, (close) => opened.push(close), thread);
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
  /** Set when the dispatcher runs in the dispatch thread. */
  threaded: ThreadLink | undefined,
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
  const dispatchThread = threaded
    ? new DispatchThread({
        data: {
          config,
          masterKey: backend.key.toString('base64'),
          url,
          writeTurns: threaded.writeTurns.buffer,
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        },
        log,
        forgetWebhooks: (tenantId) => backend.forgetWebhooks(tenantId),
        // A thread that died held leases no one else will finish: as at a start, they are due now.
        // Only its jobs: the callbacks this thread delivers are in live hands.
        releaseLeases: () => queue.releaseLeases(new Date()).then(() => undefined),
        // A thread ended mid-commit (terminated) would otherwise keep the API's turn from coming.
        turnsGone: () => threaded.writeTurns.releaseGone(THREAD_TURN),
        stopWithinMs: config.providerTimeoutMs + SHUTDOWN_GRACE_MS,
      })
    : undefined;
  if (threaded && dispatchThread) {
    threaded.relay = (tenantId) => dispatchThread.post({ type: 'webhooks', tenantId });
    onOpened(() => dispatchThread.stop());
  }
  const sends = dispatchThread
    ? undefined
    : createDispatcher(
        config,
        options,
        backend,
        connectors,
        log,
        localUrl,
        roles.workers ? 'gateway' : 'api',
      );
  if (sends) onOpened(() => sends.close());
  // The notifier runs on this thread, also beside a dispatch thread. Under W1 the dispatch thread
  // was the one at its limit (79 % busy, a fifth of that delivering callbacks) while this one idled
  // 46 % of the time; with the notifier here W1 ran 10 % and W2 30 % faster until the last callback.
  const callbacks = createNotifier(config, options, backend, log);
  onOpened(() => callbacks.close());
  const dispatcher: WorkerControl = sends?.dispatcher ?? dispatchThread!.control();
  const { notifier, destinationGuard } = callbacks;
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
    // A dispatch thread's connections are reported by the thread.
    dependencies: sends?.dependencies ?? dispatchThread?.dependencies ?? (() => ({})),
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
  if (dispatchThread) await dispatchThread.start();
  else if (roles.workers && options.startWorkers !== false) dispatcher.start();
  // A dispatch thread refuses startWorkers: false, so with one this always starts it.
  if (roles.workers && options.startWorkers !== false) notifier.start();

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
    dispatchInThread: dispatchThread !== undefined,
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
      await sends?.close();
      await callbacks.close();
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
  const sends = createDispatcher(run, options, backend, connectors, log, () => publicUrl ?? '', 'worker');
  const callbacks = createNotifier(run, options, backend, log);
  const { dispatcher } = sends;
  const { notifier } = callbacks;
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
      await sends.close();
      await callbacks.close();
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

/** The dispatch thread's module, beside this one: `.ts` under tsx and vitest, `.js` once built. */
const HERE = fileURLToPath(import.meta.url);
const DISPATCH_THREAD_ENTRY = new URL(`./dispatch-thread${extname(HERE)}`, import.meta.url);

/**
 * How a Worker is started on the dispatch thread's module. Compiled, directly. Uncompiled, the
 * thread needs tsx's loader, and on Node 20 a worker's `--import` does not apply to its own entry:
 * a two-line bootstrap registers tsx's hooks in the thread, then imports the entry through them.
 */
function dispatchThreadWorker(workerData: DispatchThreadData): Worker {
  if (extname(HERE) !== '.ts') return new Worker(DISPATCH_THREAD_ENTRY, { workerData });
  const tsx = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('tsx/package.json'), 'utf8'),
  ) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const api = tsx.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  const apiUrl = new URL(api, pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;
  const bootstrap = `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(DISPATCH_THREAD_ENTRY.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** What the process hands its dispatch thread: plain data only, as it crosses by copy. */
export interface DispatchThreadData {
  config: RunConfig;
  /** base64 of the master key the process read (or made, in sandbox mode). */
  masterKey: string;
  /** The gateway's own URL, where the sandbox emulators are. */
  url: string;
  /** The write turns' shared memory (write-turns.ts): shared with the thread, not copied. */
  writeTurns: SharedArrayBuffer;
  dispatcher?: GatewayOptions['dispatcher'];
}

/** Messages to the dispatch thread. */
export type ToDispatchThread = { type: 'kick' } | { type: 'webhooks'; tenantId: string } | { type: 'stop' };

/** Messages from it. */
export type FromDispatchThread =
  | { type: 'ready' }
  | { type: 'webhooks'; tenantId: string }
  /** The state of the thread's own connections (its Redis for limits), at start and on each change. */
  | { type: 'dependencies'; state: Record<string, boolean> };

function refuseWhatCannotCross(options: GatewayOptions): void {
  const given = (['connectors', 'emulators', 'logger', 'now'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (options.startWorkers === false) given.push('startWorkers' as never);
  if (given.length > 0) {
    throw new Error(
      `dispatchThread runs the registry's channels with real time in a worker thread; it cannot take GatewayOptions ${given.join(', ')} (leave dispatchThread off to run them in this thread)`,
    );
  }
}

/**
 * The process's side of the dispatch thread: starts it, forwards kicks and webhook-cache news,
 * and stops it. A thread that dies unexpectedly (an uncaught error) is logged, its leases are
 * released and it is started again, after 1 s and then twice as long each time it dies again
 * within a minute (at most 30 s); the API keeps accepting meanwhile and /readyz says not ready.
 */
class DispatchThread {
  private worker: Worker | undefined;
  private ready = false;
  private reported: Record<string, boolean> = {};
  private stopping: Promise<void> | undefined;
  private restarts = 0;
  private startedAt = 0;

  constructor(
    private readonly o: {
      data: DispatchThreadData;
      log: Logger;
      forgetWebhooks(tenantId: string): void;
      releaseLeases(): Promise<void>;
      turnsGone(): void;
      /** How long in-flight attempts get to finish at a stop before the thread is ended. */
      stopWithinMs: number;
    },
  ) {}

  get isRunning(): boolean {
    return this.ready;
  }

  /** The thread's connections as it last reported them, for /readyz. */
  readonly dependencies = (): Record<string, boolean> => this.reported;

  post(message: ToDispatchThread): void {
    this.worker?.postMessage(message);
  }

  /**
   * The thread's dispatcher, as the API side sees it. Kicks asked for in one turn of the event
   * loop (a burst of accepts) cross as one message.
   */
  control(): WorkerControl {
    const running = () => this.ready;
    return {
      start: () => undefined,
      kick: () => this.kick(),
      stop: () => this.stop(),
      get isRunning() {
        return running();
      },
    };
  }

  private kickPending = false;

  private kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.post({ type: 'kick' });
    });
  }

  /** Resolves once the thread has opened the database and started its loops. */
  start(): Promise<void> {
    return new Promise<void>((resolvePromise, reject) => {
      const worker = dispatchThreadWorker(this.o.data);
      this.worker = worker;
      this.startedAt = Date.now();
      let failure: unknown;
      worker.on('message', (message: FromDispatchThread) => {
        if (message.type === 'ready') {
          this.ready = true;
          resolvePromise();
        } else if (message.type === 'webhooks') this.o.forgetWebhooks(message.tenantId);
        else if (message.type === 'dependencies') this.reported = message.state;
      });
      worker.on('error', (error) => {
        failure = error;
        this.o.log.error({ err: error }, 'the dispatch thread failed');
      });
      worker.on('exit', (code) => {
        this.o.turnsGone();
        const wasReady = this.ready;
        this.ready = false;
        // What a thread that is gone reported of its connections no longer holds.
        this.reported = Object.fromEntries(Object.keys(this.reported).map((name) => [name, false]));
        if (this.worker === worker) this.worker = undefined;
        if (!wasReady) {
          reject(failure ?? new Error(`the dispatch thread exited (code ${code}) before it was ready`));
        } else if (this.stopping === undefined) this.restartLater(code);
      });
    });
  }

  private restartLater(code: number): void {
    if (Date.now() - this.startedAt > 60_000) this.restarts = 0;
    const delayMs = Math.min(30_000, 1_000 * 2 ** this.restarts++);
    this.o.log.error(
      { code, restartInMs: delayMs },
      'the dispatch thread stopped unexpectedly: no message is sent until it is started again',
    );
    setTimeout(() => {
      if (this.stopping !== undefined) return;
      void this.o
        .releaseLeases()
        .then(() => this.start())
        .catch((error: unknown) => {
          this.o.log.error({ err: error }, 'the dispatch thread could not be started again');
          if (this.stopping === undefined) this.restartLater(1);
        });
    }, delayMs);
  }

  /** Asks the thread to finish its in-flight attempts and close its connection; ends it if it takes too long. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      const exited = new Promise<void>((done) => worker.once('exit', () => done()));
      worker.postMessage({ type: 'stop' } satisfies ToDispatchThread);
      const force = setTimeout(() => {
        this.o.log.warn(
          'the dispatch thread did not stop in time: ending it (its leases are released at the next start)',
        );
        void worker.terminate();
      }, this.o.stopWithinMs);
      await exited;
      clearTimeout(force);
    })();
    return this.stopping;
  }
}

/**
 * The dispatch thread's body (dispatch-thread.ts runs it): its own connection to the embedded
 * file, and the dispatcher on it (the notifier runs on the API's thread, see launch). Resolves
 * with the handler of the process's messages once the dispatcher runs.
 */
export async function runDispatchThread(
  data: DispatchThreadData,
  post: (message: FromDispatchThread) => void,
  exit: () => void,
): Promise<(message: ToDispatchThread) => void> {
  const { config } = data;
  const log = createLogger(config.logLevel);
  const backend = {
    // Turns with the API's connection decide who writes next; yielding too, rather than waiting
    // in SQLite's busy handler (its sleeps grow to 100 ms), covers a writer outside the process.
    ...openSqlite(config, Buffer.from(data.masterKey, 'base64'), undefined, {
      writeTurns: new WriteTurns(data.writeTurns, THREAD_TURN),
      onWebhooksChanged: (tenantId) => post({ type: 'webhooks', tenantId }),
    }),
    // The process holds the data directory's lock, and released the leases before starting us.
    release: () => undefined,
  };
  const options: GatewayOptions = data.dispatcher ? { dispatcher: data.dispatcher } : {};
  // No API shares this thread's event loop, so it claims in the larger batches of a worker process.
  const sends = createDispatcher(config, options, backend, CONNECTORS, log, () => data.url, 'worker');
  const { dispatcher } = sends;
  const report = (state: Record<string, boolean>) => post({ type: 'dependencies', state });
  sends.watchDependencies(report);
  report(sends.dependencies());
  dispatcher.start();
  let stopping = false;
  return (message) => {
    if (message.type === 'kick') dispatcher.kick();
    else if (message.type === 'webhooks') backend.forgetWebhooks(message.tenantId);
    else if (message.type === 'stop' && !stopping) {
      stopping = true;
      void (async () => {
        await dispatcher.stop();
        await sends.close();
        await backend.store.close();
        exit();
      })();
    }
  };
}
