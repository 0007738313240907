/**
 * All configuration, read from the environment in one place. Secrets (API key, master key) are
 * read here and never logged.
 */
import type { ConnectionLimits } from '../lib/connection-limits.ts';

export type Mode = 'sandbox' | 'production';

export interface Config {
  port: number;
  host: string;
  mode: Mode;
  dataDir: string;
  /** When set, the default tenant's API key. */
  apiKey?: string;
  /** base64 of 32 bytes; generated into the data dir in sandbox mode when unset. */
  masterKey?: string;
  /**
   * A file holding the master key (OMNIGATE_MASTER_KEY_FILE), e.g. a mounted secret. Production
   * refuses one inside the data dir: a copy of the directory would carry the key with the data.
   */
  masterKeyFile?: string;
  /**
   * The per-channel variables (OMNIGATE_<NAME>_API_BASE, ...) as given: config knows no channel
   * list, so `channelSettings` reads them for the channels the gateway is started with.
   */
  channelEnv: Readonly<Record<string, string>>;
  /** The URL the gateway is reached at, for webhook URLs it prints and gives the sandbox. */
  publicUrl?: string;
  /**
   * Scale-out: records in PostgreSQL (OMNIGATE_DATABASE_URL) instead of the embedded SQLite file,
   * so any number of `omnigate api` and `omnigate worker` processes share them.
   */
  databaseUrl?: string;
  /** Scale-out: PostgreSQL connections this process keeps open (OMNIGATE_DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** Scale-out: provider limits and breakers shared through Redis (OMNIGATE_REDIS_URL). */
  redisUrl?: string;
  /** Prefix of every Redis key and channel (OMNIGATE_REDIS_PREFIX), so deployments can share a server. */
  redisPrefix: string;
  bodyLimitBytes: number;
  /**
   * Slow clients: how long headers (OMNIGATE_HEADERS_TIMEOUT_MS) and a whole request
   * (OMNIGATE_REQUEST_TIMEOUT_MS) may take to arrive, and how many connections one address may
   * hold (OMNIGATE_MAX_CONNECTIONS_PER_CLIENT) unless OMNIGATE_CONNECTION_LIMIT_EXEMPT lists it.
   */
  connections: ConnectionLimits;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /**
   * `omnigate start` on the embedded file runs the dispatcher in a worker thread with its own
   * SQLite connection, so the API (with the callback notifier) and dispatch use both cores
   * (OMNIGATE_DISPATCH_THREAD, `on` by default; `off` runs it on the API's thread).
   */
  dispatchThread: boolean;
  /** Sends in flight at once in this process. */
  dispatchConcurrency: number;
  /**
   * How long a worker holds a claimed job or callback before another may take it over
   * (OMNIGATE_LEASE_MS). In scale-out mode this is how soon a dead worker's work moves on; it
   * must outlast the slowest attempt, so it may not be shorter than `minimumLeaseMs`.
   */
  leaseMs: number;
  /**
   * The whole exchange with a provider, from writing the request to its last byte; a wait for a
   * free connection is not counted (OMNIGATE_PROVIDER_TIMEOUT_MS).
   */
  providerTimeoutMs: number;
  /**
   * CIDRs and host names outbound webhooks may reach although they are not public addresses
   * (OMNIGATE_WEBHOOK_ALLOWLIST, comma-separated). Empty: public addresses only.
   */
  webhookAllowlist: string[];
  /**
   * The deadline of one probe of a media URL a send links to (OMNIGATE_MEDIA_PROBE_TIMEOUT_MS,
   * default 3000); 0 probes nothing (core/rules/send/linked-media.ts). Probes reach what
   * callbacks may reach (public addresses, and OMNIGATE_WEBHOOK_ALLOWLIST).
   */
  mediaProbeTimeoutMs: number;
  /**
   * A placeholder preview image for videos sent without one to a channel that needs one (LINE)
   * (OMNIGATE_VIDEO_PREVIEW_URL, an https URL of a JPEG or PNG of at most 1 MB). Unset: such a
   * video is refused naming `previewUrl`.
   */
  videoPreviewUrl?: string;
  /** Words that opt a person out of / back into marketing (OMNIGATE_STOP_WORDS, OMNIGATE_START_WORDS). */
  consentKeywords?: { stop: string[]; start: string[] };
  /** Chaos mode of the sandbox emulators (src/sandbox/chaos.ts), e.g. `throttle=0.05,error=0.05`. */
  sandboxChaos?: string;
  logLevel: string;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return n;
}

/**
 * The longest an attempt can hold its job: an access-token fetch and the send, each up to the
 * provider timeout, plus the inline wait for a rate-limit turn (the dispatcher waits up to 1 s
 * rather than requeue) and a second of margin for the store. A lease shorter than that lets
 * another worker claim a job whose attempt is still running, and the message goes out twice.
 */
export const minimumLeaseMs = (providerTimeoutMs: number) => 2 * providerTimeoutMs + 2_000;

function connectionLimits(env: NodeJS.ProcessEnv): ConnectionLimits {
  const headersTimeoutMs = int(env.OMNIGATE_HEADERS_TIMEOUT_MS, 10_000, 'OMNIGATE_HEADERS_TIMEOUT_MS');
  const requestTimeoutMs = int(env.OMNIGATE_REQUEST_TIMEOUT_MS, 30_000, 'OMNIGATE_REQUEST_TIMEOUT_MS');
  // Node refuses a headers timeout longer than the request's.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error('OMNIGATE_HEADERS_TIMEOUT_MS may not exceed OMNIGATE_REQUEST_TIMEOUT_MS');
  }
  const exempt = env.OMNIGATE_CONNECTION_LIMIT_EXEMPT;
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    maxPerClient: int(env.OMNIGATE_MAX_CONNECTIONS_PER_CLIENT, 256, 'OMNIGATE_MAX_CONNECTIONS_PER_CLIENT'),
    exempt: exempt === undefined ? ['127.0.0.0/8', '::1/128'] : words(exempt),
  };
}

function leaseAndTimeout(env: NodeJS.ProcessEnv): Pick<Config, 'leaseMs' | 'providerTimeoutMs'> {
  const providerTimeoutMs = int(env.OMNIGATE_PROVIDER_TIMEOUT_MS, 15_000, 'OMNIGATE_PROVIDER_TIMEOUT_MS');
  const leaseMs = int(env.OMNIGATE_LEASE_MS, 60_000, 'OMNIGATE_LEASE_MS');
  const minimum = minimumLeaseMs(providerTimeoutMs);
  if (leaseMs < minimum) {
    throw new Error(
      `OMNIGATE_LEASE_MS must be at least ${minimum} (2 × OMNIGATE_PROVIDER_TIMEOUT_MS + 2000), got ${leaseMs}: a shorter lease lets a second worker send a message whose attempt is still running`,
    );
  }
  return { leaseMs, providerTimeoutMs };
}

const words = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** A positive number, fractions allowed (one message per 6 s is 0.1667). */
function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${value}'`);
  return n;
}

/** OMNIGATE_<NAME>_<SETTING> for any channel name; which names count is the gateway's to say. */
const CHANNEL_VARIABLE =
  /^OMNIGATE_[A-Z0-9_]+_(API_BASE|RATE_PER_SECOND|RECIPIENT_RATE_PER_SECOND|DEFAULT_TTL_SECONDS)$/;

/** What OMNIGATE_<NAME>_* set for each channel a gateway runs. */
export interface ChannelSettings {
  /** Per channel: an explicit provider base URL, overriding both sandbox and production defaults. */
  apiBases: Record<string, string | undefined>;
  /** Per channel: a send rate (per second, per account) replacing the provider's documented default. */
  ratePerSecond: Record<string, number | undefined>;
  /** Per channel: a send rate per recipient replacing the provider's documented pace. */
  recipientRatePerSecond: Record<string, number | undefined>;
  /** Per channel: how long a message without `expiresAt` may wait to be sent, in seconds. */
  defaultTtlSeconds: Record<string, number | undefined>;
}

/**
 * Reads OMNIGATE_<NAME>_* for the given channel names (the connectors the gateway is started
 * with); a bad value throws, naming the variable, before anything is opened.
 */
export function channelSettings(
  config: Pick<Config, 'channelEnv'>,
  names: readonly string[],
): ChannelSettings {
  const env = config.channelEnv;
  const settings: ChannelSettings = {
    apiBases: {},
    ratePerSecond: {},
    recipientRatePerSecond: {},
    defaultTtlSeconds: {},
  };
  for (const name of names) {
    const prefix = `OMNIGATE_${name.toUpperCase()}`;
    settings.apiBases[name] = env[`${prefix}_API_BASE`] || undefined;
    const rate = env[`${prefix}_RATE_PER_SECOND`];
    settings.ratePerSecond[name] = rate ? int(rate, 1, `${prefix}_RATE_PER_SECOND`) : undefined;
    const perRecipient = env[`${prefix}_RECIPIENT_RATE_PER_SECOND`];
    const ttl = env[`${prefix}_DEFAULT_TTL_SECONDS`];
    settings.defaultTtlSeconds[name] = ttl ? int(ttl, 1, `${prefix}_DEFAULT_TTL_SECONDS`) : undefined;
    settings.recipientRatePerSecond[name] = perRecipient
      ? positive(perRecipient, `${prefix}_RECIPIENT_RATE_PER_SECOND`)
      : undefined;
  }
  return settings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = (env.OMNIGATE_MODE ?? 'sandbox') as Mode;
  if (mode !== 'sandbox' && mode !== 'production') {
    throw new Error(`OMNIGATE_MODE must be 'sandbox' or 'production', got '${mode}'`);
  }
  const sync = (env.OMNIGATE_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL')
    throw new Error('OMNIGATE_SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  return {
    port: env.PORT === '0' ? 0 : int(env.PORT, 8080, 'PORT'), // 0: any free port (tests)
    host: env.HOST ?? '127.0.0.1',
    mode,
    dataDir: env.OMNIGATE_DATA_DIR ?? './data',
    ...(env.OMNIGATE_API_KEY ? { apiKey: env.OMNIGATE_API_KEY } : {}),
    ...(env.OMNIGATE_MASTER_KEY ? { masterKey: env.OMNIGATE_MASTER_KEY } : {}),
    ...(env.OMNIGATE_MASTER_KEY_FILE ? { masterKeyFile: env.OMNIGATE_MASTER_KEY_FILE } : {}),
    channelEnv: Object.fromEntries(
      Object.entries(env).filter(
        (e): e is [string, string] => CHANNEL_VARIABLE.test(e[0]) && e[1] !== undefined,
      ),
    ),
    ...(env.OMNIGATE_PUBLIC_URL ? { publicUrl: env.OMNIGATE_PUBLIC_URL.replace(/\/$/, '') } : {}),
    ...(env.OMNIGATE_DATABASE_URL ? { databaseUrl: env.OMNIGATE_DATABASE_URL } : {}),
    ...(env.OMNIGATE_REDIS_URL ? { redisUrl: env.OMNIGATE_REDIS_URL } : {}),
    redisPrefix: env.OMNIGATE_REDIS_PREFIX ?? 'omnigate:',
    databasePoolSize: int(env.OMNIGATE_DATABASE_POOL_SIZE, 10, 'OMNIGATE_DATABASE_POOL_SIZE'),
    bodyLimitBytes: int(env.OMNIGATE_BODY_LIMIT_BYTES, 1024 * 1024, 'OMNIGATE_BODY_LIMIT_BYTES'),
    connections: connectionLimits(env),
    sqliteSynchronous: sync,
    dispatchThread: onOff(env.OMNIGATE_DISPATCH_THREAD, true, 'OMNIGATE_DISPATCH_THREAD'),
    dispatchConcurrency: int(env.OMNIGATE_DISPATCH_CONCURRENCY, 256, 'OMNIGATE_DISPATCH_CONCURRENCY'),
    ...leaseAndTimeout(env),
    logLevel: env.LOG_LEVEL ?? 'info',
    ...(env.OMNIGATE_SANDBOX_CHAOS ? { sandboxChaos: env.OMNIGATE_SANDBOX_CHAOS } : {}),
    ...(env.OMNIGATE_STOP_WORDS || env.OMNIGATE_START_WORDS
      ? { consentKeywords: { stop: words(env.OMNIGATE_STOP_WORDS), start: words(env.OMNIGATE_START_WORDS) } }
      : {}),
    webhookAllowlist: words(env.OMNIGATE_WEBHOOK_ALLOWLIST),
    mediaProbeTimeoutMs:
      env.OMNIGATE_MEDIA_PROBE_TIMEOUT_MS === '0'
        ? 0
        : int(env.OMNIGATE_MEDIA_PROBE_TIMEOUT_MS, 3_000, 'OMNIGATE_MEDIA_PROBE_TIMEOUT_MS'),
    ...(env.OMNIGATE_VIDEO_PREVIEW_URL
      ? { videoPreviewUrl: videoPreviewUrl(env.OMNIGATE_VIDEO_PREVIEW_URL) }
      : {}),
  };
}

function onOff(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`${name} must be 'on' or 'off', got '${value}'`);
}

/** LINE fetches a preview image over HTTPS only: anything else would be refused with every video. */
function videoPreviewUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new Error(`OMNIGATE_VIDEO_PREVIEW_URL must be an https:// URL of an image, not '${value}'`);
  }
  return value;
}
