/**
 * One measured run of a workload against either system, timed from the driver's first request to
 * the last final callback the sink saw. The fake provider and the sink stamp their own events with
 * the same clock (stats.ts), so the run's milestones are:
 *   t0              the driver starts sending
 *   lastAccept      the driver has every answer (202)
 *   lastProviderHit the fake provider's last request of the run
 *   lastCallback    the sink's last first-final callback of a message of the run
 */
import { getJson, pool, postJson } from './driver.ts';
import { cpuSeconds } from './processes.ts';
import { epochMs, pct, sleep } from './timing.ts';

export interface Helpers {
  provider: string;
  sink: string;
}

interface ProviderStats {
  hits: number;
  lastHitAt: number;
  reportsPosted: number;
  reportFailures: number;
}

interface SinkStats {
  callbacks: number;
  byStatus: Record<string, number>;
  finals: number;
  failed: number;
  failedByCode: Record<string, number>;
  duplicates: number;
  lastFinalAt: number;
  lastAt: number;
}

export interface Figures {
  /** Accepted units (messages or recipients) per second. */
  accepted: number;
  /** Per request, ms. */
  p50: number;
  p99: number;
  /** Messages per second from t0 to the last provider hit. */
  toProvider: number;
  /** Messages per second from t0 to the last final callback. */
  untilCallback: number;
  /** Seconds. */
  acceptToProvider: number;
  providerToCallback: number;
  /** CPU time (user + system) of the system under test per message, ms: what each costs it. */
  cpuPerMessage: number;
  /** The raw driver → fake provider rate measured beside this run (msg/s), when there is one. */
  raw?: number;
  checks: {
    messages: number;
    providerHits: number;
    finals: number;
    failed: number;
    duplicates: number;
    /** Callbacks the sink got per message, by status (DLR type for Kannel). */
    perMessage: Record<string, number>;
  };
}

export const providerStats = (h: Helpers) => getJson<ProviderStats>(`${h.provider}/_bench/stats`);
export const sinkStats = (h: Helpers) => getJson<SinkStats>(`${h.sink}/_bench/stats`);
/** When the fake provider first saw each probe, by the label in its text. */
export const providerProbes = (h: Helpers) => getJson<Record<string, number>>(`${h.provider}/_bench/probes`);
/** Each probe message's first final (or failed) callback at the sink, by message id. */
export const sinkProbes = (h: Helpers) =>
  getJson<Record<string, { status: string; at: number }>>(`${h.sink}/_bench/probes`);

export async function reset(h: Helpers): Promise<void> {
  await Promise.all([
    postJson(`${h.provider}/_bench/reset`, {}, {}),
    postJson(`${h.sink}/_bench/reset`, {}, {}),
  ]);
}

/** How long a run may make no progress at all before the bench gives up on it. */
export const STALL_MS = 60_000;

export async function measureRun(
  h: Helpers,
  w: {
    /** Messages the run makes, each worth one provider hit and one final callback. */
    messages: number;
    requests: number;
    concurrency: number;
    send: (i: number) => Promise<void>;
    /** The processes of the system under test, whose CPU time the run counts. */
    pids: number[];
  },
): Promise<Figures> {
  await reset(h);
  const cpu = () => w.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const cpu0 = cpu();
  const t0 = epochMs();
  const latencies = await pool(w.requests, w.concurrency, w.send);
  const lastAccept = epochMs();

  let provider = await providerStats(h);
  let sink = await sinkStats(h);
  let progress = '';
  let progressAt = epochMs();
  while (provider.hits < w.messages || sink.finals + sink.failed < w.messages) {
    const now = `${provider.hits}/${sink.callbacks}`;
    if (now !== progress) [progress, progressAt] = [now, epochMs()];
    else if (epochMs() - progressAt > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s: ${provider.hits} of ${w.messages} provider hits, ` +
          `${sink.finals} final callbacks (${sink.failed} failed), ${JSON.stringify(sink.byStatus)}`,
      );
    }
    await sleep(20);
    [provider, sink] = await Promise.all([providerStats(h), sinkStats(h)]);
  }
  const lastProviderHit = provider.lastHitAt;
  const lastCallback = sink.lastFinalAt;
  const cpuUsed = cpu() - cpu0;
  sink = await settled(h, sink);
  provider = await providerStats(h);

  const seconds = (a: number, b: number) => (b - a) / 1000;
  return {
    accepted: w.messages / seconds(t0, lastAccept),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    toProvider: w.messages / seconds(t0, lastProviderHit),
    untilCallback: w.messages / seconds(t0, lastCallback),
    acceptToProvider: seconds(lastAccept, lastProviderHit),
    providerToCallback: seconds(lastProviderHit, lastCallback),
    cpuPerMessage: (cpuUsed * 1000) / w.messages,
    checks: {
      messages: w.messages,
      providerHits: provider.hits,
      finals: sink.finals,
      failed: sink.failed,
      duplicates: sink.duplicates,
      perMessage: Object.fromEntries(
        Object.entries(sink.byStatus).map(([status, n]) => [status, n / w.messages]),
      ),
    },
  };
}

/**
 * Waits, outside the measured time, until the callbacks that are not final (Omnigate's `queued`
 * and `sending` may arrive after `sent`) have stopped coming, so none lands in the next run.
 */
async function settled(h: Helpers, last: SinkStats): Promise<SinkStats> {
  let quietSince = epochMs();
  for (;;) {
    await sleep(100);
    const now = await sinkStats(h);
    if (now.callbacks !== last.callbacks) quietSince = epochMs();
    else if (epochMs() - quietSince >= 500) return now;
    last = now;
  }
}

/** The machine's limit for this load: the driver straight to the fake provider, msg/s. */
export async function rawRate(total: number, concurrency: number, send: (i: number) => Promise<void>) {
  const t0 = epochMs();
  await pool(total, concurrency, send);
  return total / ((epochMs() - t0) / 1000);
}

/**
 * Polls `done` until it holds (true) or neither the provider's hits nor the sink's callbacks have
 * moved for `stallMs` (false): a scenario reports what it saw instead of waiting forever.
 */
export async function until(h: Helpers, done: () => Promise<boolean>, stallMs = STALL_MS): Promise<boolean> {
  let progress = '';
  let progressAt = epochMs();
  for (;;) {
    if (await done()) return true;
    const [provider, sink] = await Promise.all([providerStats(h), sinkStats(h)]);
    const now = `${provider.hits}/${sink.callbacks}`;
    if (now !== progress) [progress, progressAt] = [now, epochMs()];
    else if (epochMs() - progressAt > stallMs) return false;
    await sleep(100);
  }
}
