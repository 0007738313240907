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
 * Goal: under 5 % of a core, no writes beyond those of the sends actually made, every unsent
 * message `queued`.
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
/** Writes allowed in a window whatever the sends (a checkpoint of earlier pages, a breaker probe). */
const SLACK_BYTES = 256 * 1024;
/** In flight at once is not "held": a few `sending` are the attempts actually running. */
const SENDING_ALLOWED = 5;

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
      countWithStatus(account, 'sending'),
      countWithStatus(account, 'queued'),
    ]);
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
    console.log(`  messages now: sending ${count(sending)}, queued ${count(queued)}`);
    const worst = windows.reduce(
      (w, x) => ({
        cpu: Math.max(w.cpu, x.cpu),
        excess: Math.max(w.excess, x.written - x.hits * BYTES_PER_SEND - SLACK_BYTES),
      }),
      { cpu: 0, excess: Number.NEGATIVE_INFINITY },
    );
    const cpu = spread(windows.map((w) => w.cpu)).median;
    const written = spread(windows.map((w) => w.written)).median;
    const met = cpu < 0.05 && worst.excess <= 0 && sending.count <= SENDING_ALLOWED;
    printVerdict(
      `held (${name})`,
      '< 5 % of a core, no writes beyond the sends made, unsent messages queued',
      `${pctOf(cpu)}, ${kb(written)} written per window, ${count(sending)} sending`,
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
