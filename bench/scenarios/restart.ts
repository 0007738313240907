/**
 * restart: how soon a started gateway answers. The time is from the spawn of the process to the
 * first 200 of GET /healthz (polled every 10 ms), `--runs` times each:
 *   - on an empty data dir (a new one each time);
 *   - on a data dir holding `--backlog` queued recipients (on an account limited to 1 request/s,
 *     so they stay queued), the gateway stopped with SIGTERM and started again.
 * Also the RSS of the gateway a second after it answers with the backlog. Goal: ≤ 1 s empty,
 * ≤ 5 s with a million queued.
 */
import { request } from 'undici';
import type { Helpers } from '../measure.ts';
import { createAccount, queueBacklog } from '../omnigate.ts';
import { OPTIONS } from '../options.ts';
import { currentRss, freePort, stopped } from '../processes.ts';
import { mib, printVerdict, show } from '../report.ts';
import { type Gateway, newDataDir, startEmbedded } from '../setups.ts';
import { epochMs, sleep, spread } from '../timing.ts';

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/healthz`);
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Starts the gateway on `dataDir`; the seconds from spawn to the first 200 of /healthz. */
async function timedStart(h: Helpers, dataDir: string): Promise<{ gateway: Gateway; seconds: number }> {
  const port = await freePort();
  const t0 = epochMs();
  const starting = startEmbedded(h.provider, dataDir, port);
  let failed: unknown;
  starting.catch((error: unknown) => {
    failed = error;
  });
  while (!(await healthy(port))) {
    if (failed) throw failed;
    await sleep(10);
  }
  const seconds = (epochMs() - t0) / 1000;
  return { gateway: await starting, seconds };
}

const stop = (g: Gateway) => stopped(g.processes[0]!.child);
const sec = (n: number) => `${n.toFixed(2)} s`;

export async function restart(h: Helpers): Promise<void> {
  const n = OPTIONS.backlog;
  console.log(
    `\n== restart: spawn → first 200 of /healthz, empty and with ${n.toLocaleString('en-US')} queued`,
  );
  const empty: number[] = [];
  for (let run = 0; run < OPTIONS.runs; run++) {
    const { gateway, seconds } = await timedStart(h, newDataDir());
    empty.push(seconds);
    await stop(gateway);
    await gateway.cleanup();
  }
  console.log(`  empty data dir                 ${show(spread(empty), sec)}`);

  const dataDir = newDataDir();
  let gateway = (await timedStart(h, dataDir)).gateway;
  const withBacklog: number[] = [];
  let rss: number | undefined;
  try {
    const account = await createAccount(gateway.url, {
      name: 'restart',
      limits: { ratePerSecond: 1, burst: 1 },
    });
    const accept = await queueBacklog(account, n, 'restart');
    console.log(`  backlog accepted in ${accept.toFixed(1)} s`);
    for (let run = 0; run < OPTIONS.runs; run++) {
      await stop(gateway);
      const started = await timedStart(h, dataDir);
      gateway = started.gateway;
      withBacklog.push(started.seconds);
      await sleep(1_000);
      rss = currentRss(gateway.processes[0]!.child.pid);
    }
  } finally {
    await stop(gateway);
    await gateway.cleanup();
  }
  const queued = spread(withBacklog);
  console.log(
    `  with the backlog queued        ${show(queued, sec)}; RSS 1 s later ${rss === undefined ? '?' : mib(rss)}`,
  );
  const e = spread(empty).median;
  printVerdict(
    'restart',
    `/healthz ≤ 1 s empty, ≤ 5 s with a million queued (here ${n.toLocaleString('en-US')})`,
    `${sec(e)} empty, ${sec(queued.median)} queued`,
    e <= 1 && queued.median <= 5,
  );
}
