/**
 * `npm run bench`: Omnigate (production mode) against a 0 ms fake provider on loopback, every send
 * with a per-message status callback to a local sink, and beside it, where Debian's `kannel` is
 * installed, Kannel on the same W1, the same provider and the same sink. The driver straight to
 * the fake provider (the raw baseline) is measured in the same run.
 *
 * Processes: the fake provider, the sink, the gateway's (one, or an api and workers), Kannel's
 * bearerbox and smsbox, and this driver, all on one machine.
 *   W1: 20,000 single-recipient sends, 64 concurrent (Omnigate and Kannel, runs interleaved:
 *       Kannel run 1, Omnigate run 1, Kannel run 2, …).
 *   W2: 50 requests of 1,000 recipients, 4 concurrent (Omnigate).
 * After an unmeasured warm-up round, each workload runs `--runs` times (default 3); medians are
 * printed with the runs' spread (min–max). See report.ts for the figures, measure.ts for how a run
 * is timed, kannel.ts for what Kannel's final callback is.
 *
 * Options: --runs N, --w1 N (sends), --w2 N (requests of 1,000), --only w1|w2, --channel <name>
 * (default telegram; any channel of src/sandbox/sample-recipients.ts but WeChat), --no-kannel,
 * --kannel-dlr submit|delivered (default submit, see kannel.ts).
 *
 * --scale-out: the same workloads on the embedded default, then on PostgreSQL (a fresh database
 * each, made through OMNIGATE_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * and Redis (OMNIGATE_BENCH_REDIS_URL, default redis://127.0.0.1:6379) with one `omnigate api` and
 * one, then two, `omnigate worker` processes; the figures side by side. --setups embedded,1,2
 * runs only the named ones (1 and 2 are the scale-out worker counts). Kannel runs beside the first.
 *
 * --scenarios isolation,held,slow,restart,memory: instead of W1/W2, the scenarios of the issue's
 * other goals, on the embedded default, each ending in a one-line verdict (bench/scenarios/):
 *   isolation  --backlog N recipients (default 200,000) queued on one account, then --probes N
 *              (default 20) single sends each from another tenant, another account, and the same
 *              account marked `priority: "transactional"` (reported unsupported if refused):
 *              202 → `sent` callback p50/p99/max; goal p99 ≤ 1 s. Also RSS queued and during drain.
 *   held       --held-backlog N (default 50,000) on an account limited to 1 request/s, then on one
 *              whose provider answers 500 (breaker open): CPU, bytes written and data dir growth per
 *              10 s window, messages `sending` vs `queued`; goal < 5 % of a core, no writes, queued.
 *   slow       --slow-sends N (default 20,000) to a provider answering after 10 s: failed and
 *              maybe_sent at the end; goal 0. Slow by nature: about N × 10 s / 128 connections.
 *   restart    spawn → first 200 of /healthz on an empty data dir, and after a SIGTERM with
 *              --backlog N queued; goal ≤ 1 s empty, ≤ 5 s with a million.
 *   memory     RSS with --backlog N queued (held at 1 request/s); goal ≤ 300 MB with a million.
 * Repeated figures (held's windows, restart's starts) run --runs times: medians (min–max).
 */
import { agent } from './driver.ts';
import { type Kannel, kannelMemory, kannelMissing, kannelW1, startKannel } from './kannel.ts';
import type { Figures, Helpers } from './measure.ts';
import { connector, createAccount, omnigateW1, omnigateW2 } from './omnigate.ts';
import { OPTIONS } from './options.ts';
import { buildGateway, startHelper, stopped } from './processes.ts';
import { printMemory, printSummary, printWorkload, type SetupResult } from './report.ts';
import { held } from './scenarios/held.ts';
import { isolation } from './scenarios/isolation.ts';
import { memory } from './scenarios/memory.ts';
import { restart } from './scenarios/restart.ts';
import { slow } from './scenarios/slow.ts';
import { gatewayMemory, pickedSetups, type Setup } from './setups.ts';

const SCENARIO_RUNS = { isolation, held, slow, restart, memory };

const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const progress = (what: string, f: Figures) =>
  console.log(
    `  ${what.padEnd(22)} accepted ${rate(f.accepted)}/s, to the provider ${rate(f.toProvider)} msg/s, ` +
      `until the last callback ${rate(f.untilCallback)} msg/s`,
  );

async function measureSetup(setup: Setup, h: Helpers, withKannel: boolean): Promise<SetupResult> {
  console.log(`\n== ${setup.name}`);
  const gateway = await setup.start(h.provider);
  let kannel: Kannel | undefined;
  try {
    const target = {
      ...(await createAccount(gateway.url)),
      pids: gateway.processes.map((p) => p.child.pid!),
    };
    if (withKannel) kannel = await startKannel(h);
    // A short unmeasured round first, so every measured run sees JIT-compiled code on all the
    // processes rather than the first run paying for warm-up.
    await omnigateW1(target, h, OPTIONS.runs, Math.min(3_000, OPTIONS.w1Sends), false);
    if (kannel) await kannelW1(kannel, h, OPTIONS.runs, Math.min(1_000, OPTIONS.w1Sends));
    const result: SetupResult = { name: setup.name, key: setup.key, w1: [], w2: [], memory: [] };
    if (kannel) result.kannel = [];
    for (let run = 0; run < OPTIONS.runs; run++) {
      const label = (w: string) => `run ${run + 1}/${OPTIONS.runs} ${w}`;
      if (OPTIONS.only !== 'w2') {
        if (kannel) {
          result.kannel!.push(await kannelW1(kannel, h, run));
          progress(label('Kannel W1'), result.kannel!.at(-1)!);
        }
        result.w1.push(await omnigateW1(target, h, run));
        progress(label('W1'), result.w1.at(-1)!);
      }
      if (OPTIONS.only !== 'w1') {
        result.w2.push(await omnigateW2(target, h, run));
        progress(label('W2'), result.w2.at(-1)!);
      }
    }
    result.memory = gatewayMemory(gateway);
    if (kannel) result.kannelMemory = kannelMemory(kannel);
    printWorkload(
      `W1: ${OPTIONS.w1Sends.toLocaleString('en-US')} single sends, ${OPTIONS.w1Concurrency} concurrent`,
      'msg',
      result.w1,
      result.kannel,
    );
    printWorkload(
      `W2: ${OPTIONS.w2Requests} request${OPTIONS.w2Requests > 1 ? 's' : ''} of ${OPTIONS.batchSize.toLocaleString('en-US')} recipients, ${OPTIONS.w2Concurrency} concurrent`,
      'recipients',
      result.w2,
    );
    printMemory(result);
    return result;
  } finally {
    await kannel?.stop();
    await Promise.all(gateway.processes.map((p) => stopped(p.child)));
    await gateway.cleanup();
  }
}

async function main() {
  buildGateway();
  const provider = await startHelper('bench/fake-provider.ts', /fake provider on (\d+)/);
  const sink = await startHelper('bench/sink.ts', /sink on (\d+)/);
  const h: Helpers = { provider: provider.url, sink: sink.url };
  try {
    if (OPTIONS.scenarios.length) {
      console.log(
        `Omnigate scenarios (${connector.displayName}, production mode, embedded): ${OPTIONS.scenarios.join(', ')}; ` +
          `fake provider ${h.provider}, sink ${h.sink}`,
      );
      for (const scenario of OPTIONS.scenarios) await SCENARIO_RUNS[scenario](h);
      return;
    }
    const noKannel = !OPTIONS.kannel
      ? '--no-kannel'
      : OPTIONS.only === 'w2'
        ? 'Kannel runs W1 only'
        : kannelMissing();
    console.log(
      `Omnigate benchmark (${connector.displayName}, production mode): fake provider ${h.provider}, ` +
        `sink ${h.sink}, ${OPTIONS.runs} runs`,
    );
    console.log(
      'Final callback: Omnigate `sent` (the provider took the message); ' +
        (noKannel
          ? `Kannel skipped: ${noKannel}.`
          : OPTIONS.kannelDlr === 'submit'
            ? 'Kannel DLR 8 (the SMSC took the message).'
            : 'Kannel DLR 1 (the fake provider reported delivery back to the SMSC).'),
    );
    const setups = pickedSetups();
    if (setups.length === 0) throw new Error('--setups names none of embedded, 1, 2');
    const results: SetupResult[] = [];
    for (const [i, setup] of setups.entries()) {
      results.push(await measureSetup(setup, h, i === 0 && !noKannel));
    }
    printSummary(results);
  } finally {
    await Promise.all([stopped(provider.child), stopped(sink.child)]);
    await agent.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
