/** What the bench prints: per workload a table of medians with their spread, memory, the goals. */
import type { Figures } from './measure.ts';
import { median, pct, type Spread, spread } from './timing.ts';

export type Memory = Array<{ role: string; bytes: number | undefined }>;

export interface SetupResult {
  name: string;
  key: string;
  w1: Figures[];
  w2: Figures[];
  memory: Memory;
  /** Kannel's W1 runs, interleaved with this setup's, when Kannel ran beside it. */
  kannel?: Figures[];
  kannelMemory?: Memory;
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);
const s = (n: number) => n.toFixed(2);
const percent = (n: number) => `${(n * 100).toFixed(0)}%`;
const times = (n: number) => `${n.toFixed(2)}×`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export function show(x: Spread, f: (n: number) => string): string {
  return x.min === x.max ? f(x.median) : `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
}

const over = (runs: Figures[], f: (r: Figures) => number) => spread(runs.map(f));

/** Each pair of interleaved runs gives a ratio; the median of those, with their spread. */
function ratio(a: Figures[], b: Figures[], f: (r: Figures) => number): Spread | undefined {
  const n = Math.min(a.length, b.length);
  if (n === 0) return undefined;
  return spread(Array.from({ length: n }, (_, i) => f(a[i]!) / f(b[i]!)));
}

function line(label: string, ours: string, theirs = '', versus = ''): void {
  console.log(`  ${label.padEnd(36)} ${ours.padEnd(30)} ${theirs.padEnd(30)} ${versus}`.trimEnd());
}

function perMessage(runs: Figures[]): string {
  const statuses = new Set(runs.flatMap((r) => Object.keys(r.checks.perMessage)));
  return [...statuses]
    .map((status) => `${status} ${median(runs.map((r) => r.checks.perMessage[status] ?? 0)).toFixed(2)}`)
    .join(', ');
}

/** Nothing lost or duplicated: one provider hit and one final callback per message, in every run. */
function checks(runs: Figures[]): string {
  const wrong = runs.flatMap((r, i) => {
    const c = r.checks;
    const issues = [
      c.providerHits !== c.messages ? `${c.providerHits} provider hits` : '',
      c.finals !== c.messages ? `${c.finals} final callbacks` : '',
      c.failed > 0 ? `${c.failed} failed` : '',
      c.duplicates > 0 ? `${c.duplicates} duplicate callbacks` : '',
    ].filter(Boolean);
    return issues.length ? [`run ${i + 1}: ${issues.join(', ')} for ${c.messages} messages`] : [];
  });
  return wrong.length ? wrong.join('; ') : 'ok (one provider hit and one final callback per message)';
}

export function printWorkload(title: string, unit: string, runs: Figures[], kannel?: Figures[]): void {
  if (runs.length === 0) return;
  const k = kannel?.length ? kannel : undefined;
  console.log(`\n${title}: medians of ${runs.length} run${runs.length > 1 ? 's' : ''} (min–max)`);
  line('', 'Omnigate', k ? 'Kannel' : '', k ? 'Omnigate/Kannel' : '');
  const row = (label: string, f: (r: Figures) => number, fmt: (n: number) => string, compare = false) => {
    const r = compare && k ? ratio(runs, k, f) : undefined;
    line(label, show(over(runs, f), fmt), k ? show(over(k, f), fmt) : '', r ? show(r, times) : '');
  };
  row(`accepted, ${unit}/s`, (r) => r.accepted, rate, true);
  row('accept p50, ms (per request)', (r) => r.p50, ms);
  row('accept p99, ms (per request)', (r) => r.p99, ms);
  row('end to end to the provider, msg/s', (r) => r.toProvider, rate, true);
  row('until the last callback, msg/s', (r) => r.untilCallback, rate, true);
  row('last accept → last provider hit, s', (r) => r.acceptToProvider, s);
  row('last provider hit → last callback, s', (r) => r.providerToCallback, s);
  row(
    'CPU per message, ms (its processes)',
    (r) => r.cpuPerMessage,
    (n) => n.toFixed(3),
    true,
  );
  const withRaw = runs.filter((r) => r.raw !== undefined);
  if (withRaw.length) {
    line(
      'raw driver → fake provider, msg/s',
      show(
        over(withRaw, (r) => r.raw!),
        rate,
      ),
    );
    line(
      'to the provider / raw',
      show(
        over(withRaw, (r) => r.toProvider / r.raw!),
        percent,
      ),
    );
    line(
      'until the last callback / raw',
      show(
        over(withRaw, (r) => r.untilCallback / r.raw!),
        percent,
      ),
    );
  }
  console.log(`  callbacks per message: Omnigate ${perMessage(runs)}${k ? `; Kannel ${perMessage(k)}` : ''}`);
  console.log(`  checks: Omnigate ${checks(runs)}${k ? `; Kannel ${checks(k)}` : ''}`);
}

export function memoryText(memory: Memory): string {
  const known = memory.filter((m) => m.bytes !== undefined);
  const parts = memory.map((m) => `${m.role} ${m.bytes === undefined ? '?' : mib(m.bytes)}`);
  const total = known.reduce((sum, m) => sum + m.bytes!, 0);
  return memory.length > 1 ? `${parts.join(' + ')} = ${mib(total)}` : parts.join('');
}

export function printMemory(r: SetupResult): void {
  console.log(`\n  peak RSS (VmHWM at the end of the setup): Omnigate ${memoryText(r.memory)}`);
  if (r.kannelMemory) console.log(`  peak RSS: Kannel ${memoryText(r.kannelMemory)}`);
}

/** Several setups: one line each per workload, then the issue's goals where the run measured them. */
export function printSummary(results: SetupResult[]): void {
  const kannel = results.find((r) => r.kannel?.length)?.kannel;
  if (results.length > 1) {
    console.log('\nSide by side (medians): accepted/s, accept p99 ms, to the provider msg/s (of raw),');
    console.log('until the last callback msg/s (of raw)');
    const cells = (runs: Figures[]) => {
      if (runs.length === 0) return '-';
      const m = (f: (r: Figures) => number) => median(runs.map(f));
      const raw = runs.every((r) => r.raw !== undefined);
      const of = (f: (r: Figures) => number) => (raw ? ` (${percent(m((r) => f(r) / r.raw!))})` : '');
      return (
        `${rate(m((r) => r.accepted))}, ${ms(m((r) => r.p99))}, ${rate(m((r) => r.toProvider))}` +
        `${of((r) => r.toProvider)}, ${rate(m((r) => r.untilCallback))}${of((r) => r.untilCallback)}`
      );
    };
    for (const r of results) {
      console.log(`  ${r.name}`);
      if (r.w1.length) console.log(`    W1 ${cells(r.w1)}`);
      if (r.w2.length) console.log(`    W2 ${cells(r.w2)}`);
      console.log(`    peak RSS ${memoryText(r.memory)}`);
    }
    if (kannel) console.log(`  Kannel\n    W1 ${cells(kannel)}`);
  }
  printGoals(results, kannel);
}

function printGoals(results: SetupResult[], kannel: Figures[] | undefined): void {
  const goals: string[] = [];
  const goal = (what: string, value: string, met: boolean) =>
    goals.push(`  ${what.padEnd(58)} ${value.padEnd(14)} ${met ? 'met' : 'not met'}`);
  const m = (runs: Figures[], f: (r: Figures) => number) => median(runs.map(f));
  const embedded = results.find((r) => r.key === 'embedded');
  const k = kannel && m(kannel, (r) => r.untilCallback);
  if (embedded?.w1.length) {
    if (k) {
      const x = ratio(embedded.w1, embedded.kannel ?? kannel!, (r) => r.untilCallback)!.median;
      goal('W1 until the last callback ≥ 2× Kannel (same run)', times(x), x >= 2);
    }
    const p99 = m(embedded.w1, (r) => r.p99);
    goal('W1 accept p99 ≤ 40 ms at 64 concurrent', `${ms(p99)} ms`, p99 <= 40);
    const share = m(embedded.w1, (r) => r.toProvider / r.raw!);
    goal('W1 to the provider ≥ 50% of raw, embedded', percent(share), share >= 0.5);
  }
  if (embedded?.w2.length) {
    const persisted = m(embedded.w2, (r) => r.accepted);
    goal('W2 ≥ 50,000 recipients persisted/s', rate(persisted), persisted >= 50_000);
    if (k) {
      const x = m(embedded.w2, (r) => r.untilCallback) / k;
      goal("W2 until the last callback ≥ 4× Kannel's W1", times(x), x >= 4);
    }
    const rss = embedded.memory.reduce((sum, p) => sum + (p.bytes ?? 0), 0);
    goal(
      'gateway peak RSS ≤ 250 MB (whole setup, W2 included)',
      `${(rss / 1e6).toFixed(0)} MB`,
      rss <= 250e6,
    );
  }
  const one = results.find((r) => r.key === '1');
  if (one?.w1.length) {
    const share = m(one.w1, (r) => r.toProvider / r.raw!);
    goal('W1 to the provider ≥ 35% of raw, 1 api + 1 worker', percent(share), share >= 0.35);
  }
  const two = results.find((r) => r.key === '2');
  for (const w of ['w1', 'w2'] as const) {
    if (one?.[w].length && two?.[w].length) {
      const a = m(one[w], (r) => r.toProvider);
      const b = m(two[w], (r) => r.toProvider);
      goal(`${w.toUpperCase()} to the provider: 2 workers not slower than 1`, times(b / a), b >= a);
    }
  }
  if (goals.length) console.log(`\nGoals of issue 20 (medians)\n${goals.join('\n')}`);
}

/** p50/p99/max of a set of latencies in ms, as seconds. */
export function latencies(xs: number[]): string {
  if (xs.length === 0) return 'none';
  const sec = (n: number) => `${(n / 1000).toFixed(2)} s`;
  return `p50 ${sec(pct(xs, 50))}, p99 ${sec(pct(xs, 99))}, max ${sec(Math.max(...xs))} (n=${xs.length})`;
}

/** A scenario's one-line verdict against the issue's goal. */
export function printVerdict(scenario: string, goal: string, value: string, met: boolean | undefined): void {
  const outcome = met === undefined ? 'not measured' : met ? 'met' : 'not met';
  console.log(`  verdict ${scenario}: ${goal}: ${value}: ${outcome}`);
}

export { mib };
