/**
 * `npm run crash -- --rounds 40 --messages 60 --seed 7`: the crash harness of test/crash/, longer.
 * `--postgres <admin url>` runs it in scale-out mode: one API and two workers on a fresh database,
 * one worker killed each round. Prints each kill and the violations found (none, when the
 * guarantees hold); exits 1 on any.
 */
import { crashFigures, crashViolations } from '../test/crash/checks.ts';
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
const f = crashFigures(report);
console.log(
  `seed ${seed}: ${f.messages} messages, ${f.restarts} kills and restarts, ${f.lost} lost, ` +
    `${f.duplicates} delivered twice to Telegram (each a counted resend), ` +
    `${f.lineResent} resent to LINE under the same retry key, ${f.failedMaybeSent} failed as maybe-sent; ` +
    `maybe-sent after a crash ${f.maybeSentAfterCrash}, of which in flight ${f.inFlightAtCrash} ` +
    `(${f.seenByProvider} seen by the provider, the rest marked within 500 ms of a death)`,
);
console.log(JSON.stringify({ seed, ...f }));
for (const v of violations) {
  console.log(`VIOLATION ${v}`);
  // What the gateway and the provider each saw of the message, to tell why.
  const token = /crash-[0-9a-z-]+/.exec(v)?.[0];
  const final = token ? report.finals.get(token) : undefined;
  if (token && final) {
    const events = final.events.map((e) => `${e.at.slice(11)} ${e.status}${e.code ? `:${e.code}` : ''}`);
    const hits = (report.providerHits.get(token) ?? []).map((h) => new Date(h.at).toISOString().slice(11));
    console.log(`  events ${events.join(', ')}; provider ${hits.join(', ')}`);
  }
}
console.log(`deaths ${report.deaths.map((d) => new Date(d).toISOString().slice(11)).join(', ')}`);
console.log(violations.length === 0 ? 'all guarantees held' : `${violations.length} violations`);
process.exit(violations.length === 0 ? 0 : 1);
