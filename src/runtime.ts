/**
 * Assembles a running gateway from configuration: store and queue, the HTTP app, the dispatcher
 * and the callback notifier. main.ts starts it; tests and benchmarks start it on a random port.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { type BootstrapResult, bootstrap } from './bootstrap.ts';
import { CONNECTORS, type ConnectorRegistry } from './channels/registry.ts';
import type { Config } from './config/config.ts';
import { Dispatcher, type DispatcherOptions } from './dispatch/dispatcher.ts';
import { createSecretBox } from './lib/crypto.ts';
import { lockDataDir } from './lib/data-dir-lock.ts';
import { HttpClient } from './lib/http.ts';
import { createLogger, type Logger } from './lib/log.ts';
import { DestinationGuard } from './lib/ssrf-guard.ts';
import { MemoryRecorder } from './sandbox/recorder.ts';
import { createSqliteBackend } from './store/sqlite/index.ts';
import type { ChannelAccountWithSecrets, Store } from './store/types.ts';
import { Notifier, type NotifierOptions } from './webhooks/notifier.ts';

export interface Gateway {
  config: Config;
  store: Store;
  app: FastifyInstance;
  dispatcher: Dispatcher;
  notifier: Notifier;
  recorder: MemoryRecorder | undefined;
  boot: BootstrapResult;
  url: string;
  stop(): Promise<void>;
}

/** The master key: from config, or in sandbox mode generated once into the data dir. */
function masterKey(config: Config): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  if (config.mode === 'production') {
    throw new Error('OMNIGATE_MASTER_KEY is required in production mode (base64 of 32 random bytes)');
  }
  const file = join(config.dataDir, 'master.key');
  // startGateway made the data directory before taking its lock.
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export interface GatewayOptions {
  logger?: Logger;
  connectors?: ConnectorRegistry;
  /** No request logging (tests, benchmarks). */
  quiet?: boolean;
  /** Tunables tests shorten so retries happen in milliseconds. */
  dispatcher?: Partial<Pick<DispatcherOptions, 'backoff' | 'maxAttempts' | 'leaseMs' | 'idleMs' | 'breaker'>>;
  notifier?: Partial<Pick<NotifierOptions, 'schedule' | 'idleMs'>>;
  /** Leave the workers stopped (tests start them when they choose). */
  startWorkers?: boolean;
  /** The API's clock (tests move it to see expiries). */
  now?: () => Date;
}

/** How long open connections get to finish when the gateway stops. */
const SHUTDOWN_GRACE_MS = 3_000;

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const connectors = options.connectors ?? CONNECTORS;
  const log = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const releaseLock = lockDataDir(config.dataDir);
  const secrets = createSecretBox(masterKey(config));
  const { store, queue } = createSqliteBackend({
    path: join(config.dataDir, 'omnigate.db'),
    synchronous: config.sqliteSynchronous,
    secrets,
  });
  // This process owns the file alone (the lock), so any lease still held belongs to a process that
  // died: its jobs and callbacks are due now rather than when the lease would have run out.
  await queue.releaseLeases(new Date());
  await store.callbacks.releaseLeases(new Date());
  const sandbox = config.mode === 'sandbox';
  const boot = await bootstrap(store, connectors, { apiKey: config.apiKey, sandbox });

  // The sandbox emulators need the gateway's own URL (to post signed webhooks back) before the
  // routes are registered, so the port is settled first.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const localUrl = () => url;
  const recorder = sandbox ? new MemoryRecorder() : undefined;
  const http = new HttpClient({ connections: 128 });
  const baseUrlFor = (account: ChannelAccountWithSecrets) => {
    const override = config.apiBases[account.channel];
    if (override) return override.replace(/\/$/, '');
    if (sandbox) return `${localUrl()}/sandbox/${account.channel}`;
    return connectors[account.channel]!.defaultBaseUrl;
  };
  const dispatcher = new Dispatcher({
    store,
    queue,
    connectors,
    http,
    baseUrlFor,
    log,
    concurrency: config.dispatchConcurrency,
    ratePerSecond: config.ratePerSecond,
    recipientRatePerSecond: config.recipientRatePerSecond,
    ...options.dispatcher,
  });
  // Callback URLs are the tenants' choice, so their client refuses non-public addresses.
  const destinationGuard = new DestinationGuard(config.webhookAllowlist);
  const callbackHttp = new HttpClient({ connections: 16, guard: destinationGuard });
  const notifier = new Notifier({ store, http: callbackHttp, log, ...options.notifier });

  const app = await buildApp({
    store,
    connectors,
    logger: options.quiet ? false : log,
    bodyLimitBytes: config.bodyLimitBytes,
    destinationGuard,
    ...(options.now ? { now: options.now } : {}),
    defaultTtlSeconds: config.defaultTtlSeconds,
    ...(config.consentKeywords ? { consentKeywords: config.consentKeywords } : {}),
    onAccepted: (withCallbacks) => {
      dispatcher.kick();
      if (withCallbacks) notifier.kick();
    },
    isReady: () => dispatcher.isRunning && notifier.isRunning,
    publicUrl: localUrl,
    ...(recorder
      ? {
          sandbox: {
            recorder,
            chaos: config.sandboxChaos,
            webhookUrls: () =>
              Object.fromEntries(
                boot.sandboxAccounts.map((a) => [a.channel, `${localUrl()}/webhooks/${a.channel}/${a.id}`]),
              ),
          },
        }
      : {}),
  });
  await app.listen({ port, host: config.host });
  if (options.startWorkers !== false) {
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
      await http.close();
      await callbackHttp.close();
      await store.close();
      releaseLock();
    },
  };
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
