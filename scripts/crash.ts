/**
 * `npm run crash -- --rounds 40 --messages 60 --seed 7`: the crash harness of test/crash/, longer.
 * `--postgres <admin url>` runs it in scale-out mode: one API and two workers on a fresh database,
 * one worker killed each round. Prints each kill and the violations found (none, when the
 * guarantees hold); exits 1 on any.
 */
import { crashViolations } from '../test/crash/checks.ts';
import { runCrashScenario } from '../test/crash/harness.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]?.replace(/^--/, '') ?? '', process.argv[i + 1] ?? '');
const seed = Number(args.get('seed') ?? Date.now() % 100_000);
const rounds = Number(args.get('rounds') ?? 20);
const messagesPerRound = Number(args.get('messages') ?? 50);
const postgres = args.get('postgres');

const started = Date.now();
const report = await runCrashScenario({
  seed,
  rounds,
  messagesPerRound,
  ...(postgres ? { scaleOut: { adminUrl: postgres } } : {}),
  log: (line) => console.log(`${((Date.now() - started) / 1000).toFixed(1)}s ${line}`),
});
const violations = crashViolations(report);
const duplicates = [...report.providerHits.values()].filter((hits) => hits.length > 1).length;
const failed = [...report.finals.values()].filter((f) => f.status === 'failed').length;
console.log(
  `seed ${seed}: ${report.submitted.length} messages, ${report.kills.length} kills, ` +
    `${failed} failed as maybe-sent, ${duplicates} resent to LINE under the same retry key`,
);
for (const v of violations) console.log(`VIOLATION ${v}`);
console.log(violations.length === 0 ? 'all guarantees held' : `${violations.length} violations`);
process.exit(violations.length === 0 ? 0 : 1);
