/**
 * held: work that cannot run yet must cost nothing. Two variants, each on a fresh gateway:
 *   - rate: `--held-backlog` recipients on an account limited to 1 request/s
 *     (`limits: {ratePerSecond: 1, burst: 1}` of the channel-accounts API);
 *   - breaker: the same backlog on an account whose every send the fake provider answers 500
 *     (`bench-status=500` in the text), so its breaker opens.
 * After the backlog is accepted and a settle period, `--runs` windows of 10 s each sample the
 * gateway's CPU (utime + stime of /proc/<pid>/stat), the bytes it wrote (/proc/<pid>/io) and the
 * growth of its data dir (db, wal, shm), beside the provider hits in the window; then how many of
 * its messages are `sending` and `queued` (GET /v1/messages?status=…, counted up to a cap).
 * Goal: under 5 % of a core, no writes beyond those of the sends actually made, and a message
 * `queued` until its first attempt starts. Status only moves forward, so a message whose attempt
 * started and failed stays `sending` while it waits for its retry (`attempts` ≥ 1): those are
 * counted apart, and only a `sending` message with no attempt is a held message shown wrongly.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Helpers, providerStats, reset } from '../measure.ts';
import { type AccountLimits, countWithStatus, createAccount, queueBacklog } from '../omnigate.ts';
import { OPTIONS } from '../options.ts';
import { cpuSeconds, stopped, writtenBytes } from '../processes.ts';
import { printVerdict, show } from '../report.ts';
import { newDataDir, startEmbedded } from '../setups.ts';
import { epochMs, sleep, spread } from '../timing.ts';

const SETTLE_MS = 5_000;
const WINDOW_MS = 10_000;
/** What one send may write (its status rows, their indexes, WAL pages): generous on purpose. */
const BYTES_PER_SEND = 64 * 1024;
/** Writes allowed in a window whatever the sends (a breaker probe's bookkeeping). */
const SLACK_BYTES = 256 * 1024;
/**
 * SQLite copies the WAL into the database file when it passes 1,000 pages of 4 KiB, inside
 * whichever commit crosses the mark: up to 4,000 KiB of pages the backlog's accept wrote before
 * the windows can land in one of them. One window (of three or more) may go over by that much;
 * writes of held work would go over in every window.
 */
const CHECKPOINT_BYTES = 1_000 * 4096;

const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

interface Window {
  cpu: number;
  written: number;
  grown: number;
  hits: number;
}

async function variant(h: Helpers, name: string, limits: AccountLimits | undefined, text: string) {
  const n = OPTIONS.heldBacklog;
  console.log(`\n== held (${name}): ${n.toLocaleString('en-US')} recipients queued`);
  const dataDir = newDataDir();
  const gateway = await startEmbedded(h.provider, dataDir);
  const pid = gateway.processes[0]!.child.pid!;
  try {
    const account = await createAccount(gateway.url, { name: `held ${name}`, ...(limits ? { limits } : {}) });
    await reset(h);
    const seconds = await queueBacklog(account, n, text);
    console.log(`  accepted in ${seconds.toFixed(1)} s; settling ${SETTLE_MS / 1000} s`);
    await sleep(SETTLE_MS);
    const windows: Window[] = [];
    for (let run = 0; run < OPTIONS.runs; run++) {
      const before = {
        cpu: cpuSeconds(pid),
        written: writtenBytes(pid) ?? 0,
        size: dirBytes(dataDir),
        hits: (await providerStats(h)).hits,
        at: epochMs(),
      };
      await sleep(WINDOW_MS);
      const after = {
        cpu: cpuSeconds(pid),
        written: writtenBytes(pid) ?? 0,
        size: dirBytes(dataDir),
        hits: (await providerStats(h)).hits,
        at: epochMs(),
      };
      const span = (after.at - before.at) / 1000;
      windows.push({
        cpu: (after.cpu - before.cpu) / span,
        written: after.written - before.written,
        grown: after.size - before.size,
        hits: after.hits - before.hits,
      });
    }
    const [sending, queued] = await Promise.all([
      countWithStatus(account, 'sending', 2_000, (m) => m.attempts === 0),
      countWithStatus(account, 'queued'),
    ]);
    // Beyond the cap the rest is unread: it could hold a message with no attempt.
    const unattempted = { count: sending.matching, capped: sending.capped };
    const over = (f: (w: Window) => number) => spread(windows.map(f));
    const pctOf = (x: number) => `${(x * 100).toFixed(1)} %`;
    const kb = (x: number) => `${(x / 1024).toFixed(0)} KiB`;
    const count = (c: { count: number; capped: boolean }) =>
      `${c.capped ? '≥' : ''}${c.count.toLocaleString('en-US')}`;
    console.log(`  per ${WINDOW_MS / 1000} s window, medians of ${windows.length} (min–max):`);
    console.log(
      `    gateway CPU, share of one core  ${show(
        over((w) => w.cpu),
        pctOf,
      )}`,
    );
    console.log(
      `    bytes written (write_bytes)     ${show(
        over((w) => w.written),
        kb,
      )}`,
    );
    console.log(
      `    data dir growth (db+wal+shm)    ${show(
        over((w) => w.grown),
        kb,
      )}`,
    );
    console.log(
      `    provider hits                   ${show(
        over((w) => w.hits),
        String,
      )}`,
    );
    console.log(
      `  messages now: sending ${count(sending)} (with no attempt yet ${count(unattempted)}), queued ${count(queued)}`,
    );
    const [worst = 0, ...others] = windows
      .map((w) => w.written - w.hits * BYTES_PER_SEND - SLACK_BYTES)
      .sort((a, b) => b - a);
    const writesMet =
      others.every((excess) => excess <= 0) && worst <= (windows.length >= 3 ? CHECKPOINT_BYTES : 0);
    const cpu = spread(windows.map((w) => w.cpu)).median;
    const written = spread(windows.map((w) => w.written)).median;
    const met = cpu < 0.05 && writesMet && !unattempted.capped && unattempted.count === 0;
    printVerdict(
      `held (${name})`,
      '< 5 % of a core, no writes beyond the sends made, messages queued until an attempt',
      `${pctOf(cpu)}, ${kb(written)} written per window, ${count(unattempted)} sending with no attempt`,
      met,
    );
  } finally {
    await stopped(gateway.processes[0]!.child);
    await gateway.cleanup();
  }
}

export async function held(h: Helpers): Promise<void> {
  await variant(h, 'rate 1/s', { ratePerSecond: 1, burst: 1 }, 'held');
  await variant(h, 'breaker open', undefined, 'held bench-status=500');
}
