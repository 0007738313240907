/**
 * memory: the gateway's resident set with a backlog queued. `--backlog` recipients are queued on
 * an account limited to 1 request/s (so they stay queued); the RSS is read 2 s after the last 202,
 * beside the peak so far (VmHWM, the accept included). Goal: ≤ 300 MB with a million queued. The
 * RSS during W2 is the `peak RSS` line of the W1/W2 run, and isolation prints the peak during a
 * drain.
 */
import type { Helpers } from '../measure.ts';
import { createAccount, queueBacklog } from '../omnigate.ts';
import { OPTIONS } from '../options.ts';
import { currentRss, peakRss, stopped } from '../processes.ts';
import { mib, printVerdict } from '../report.ts';
import { embedded } from '../setups.ts';
import { sleep } from '../timing.ts';

export async function memory(h: Helpers): Promise<void> {
  const n = OPTIONS.backlog;
  console.log(`\n== memory: gateway RSS with ${n.toLocaleString('en-US')} recipients queued`);
  const gateway = await embedded.start(h.provider);
  const pid = gateway.processes[0]!.child.pid;
  try {
    const account = await createAccount(gateway.url, {
      name: 'memory',
      limits: { ratePerSecond: 1, burst: 1 },
    });
    const before = currentRss(pid);
    const seconds = await queueBacklog(account, n, 'memory');
    await sleep(2_000);
    const queued = currentRss(pid);
    const peak = peakRss(pid);
    const show = (b: number | undefined) => (b === undefined ? '?' : mib(b));
    console.log(
      `  RSS before ${show(before)}, 2 s after the backlog (accepted in ${seconds.toFixed(1)} s) ${show(queued)}, peak ${show(peak)}`,
    );
    printVerdict(
      'memory',
      `RSS ≤ 300 MB with a million queued (here ${n.toLocaleString('en-US')})`,
      queued === undefined ? '?' : `${(queued / 1e6).toFixed(0)} MB`,
      queued === undefined ? undefined : queued <= 300e6,
    );
  } finally {
    await stopped(gateway.processes[0]!.child);
    await gateway.cleanup();
  }
}
