/**
 * slow: a provider that answers after 10 s must not make messages fail. `--slow-sends` recipients
 * (requests of 1,000) whose text asks the fake provider for a 10 s answer (`bench-delay=10000`),
 * each with a callback; waits until every message has a final or failed callback, then counts the
 * failures by code (`maybe_sent` is a send that timed out and is not resent). Goal: 0 failed.
 * It takes at least sends × 10 s / (the provider connections in flight) to finish: 20,000 at 128
 * connections is about 26 minutes.
 */
import { type Helpers, reset, sinkStats, until } from '../measure.ts';
import { createAccount, queueBacklog } from '../omnigate.ts';
import { OPTIONS } from '../options.ts';
import { stopped } from '../processes.ts';
import { printVerdict } from '../report.ts';
import { embedded } from '../setups.ts';
import { epochMs } from '../timing.ts';

const LATENCY_MS = 10_000;

export async function slow(h: Helpers): Promise<void> {
  const n = OPTIONS.slowSends;
  console.log(
    `\n== slow: ${n.toLocaleString('en-US')} sends to a provider answering after ${LATENCY_MS / 1000} s`,
  );
  const gateway = await embedded.start(h.provider);
  try {
    const account = await createAccount(gateway.url, { name: 'slow provider' });
    await reset(h);
    const t0 = epochMs();
    await queueBacklog(account, n, `slow bench-delay=${LATENCY_MS}`, `${h.sink}/omnigate`);
    // Stalls are judged over a span longer than the provider's answer.
    const done = await until(
      h,
      async () => {
        const s = await sinkStats(h);
        return s.finals + s.failed >= n;
      },
      3 * LATENCY_MS + 30_000,
    );
    const s = await sinkStats(h);
    const seconds = (epochMs() - t0) / 1000;
    const codes = Object.entries(s.failedByCode)
      .map(([code, k]) => `${code} ${k}`)
      .join(', ');
    console.log(
      `  ${done ? 'finished' : 'stalled'} after ${seconds.toFixed(0)} s (${(n / seconds).toFixed(1)} msg/s): ` +
        `${s.finals} sent, ${s.failed} failed${codes ? ` (${codes})` : ''}, ${n - s.finals - s.failed} without an end`,
    );
    printVerdict(
      'slow',
      `0 messages fail at ${LATENCY_MS / 1000} s provider latency`,
      `${s.failed} failed (${s.failedByCode.maybe_sent ?? 0} maybe_sent)`,
      done && s.failed === 0,
    );
  } finally {
    await stopped(gateway.processes[0]!.child);
    await gateway.cleanup();
  }
}
