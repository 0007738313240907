/**
 * Named moments where the crash harness (test/crash/) can kill the process, the way FoundationDB
 * and Jepsen-style tests aim faults at the interesting instants rather than only at random times.
 *
 * Off unless OMNIGATE_CRASH_AT is set (`after_claim:7` = SIGKILL on the 7th pass through the
 * `after_claim` point; several separated by commas). A disabled point is one Map lookup.
 */
export type CrashPoint =
  /** Jobs claimed and marked sending; nothing sent yet. */
  | 'after_claim'
  /** The provider answered; the outcome is not committed yet. */
  | 'after_provider_answer'
  /** A callback delivery claimed; not posted yet. */
  | 'before_callback';

function parse(spec: string | undefined): Map<string, number> {
  const plan = new Map<string, number>();
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name = '', nth = ''] = part.split(':');
    plan.set(name, Number(nth));
  }
  return plan;
}

const plan = parse(process.env.OMNIGATE_CRASH_AT);
const passes = new Map<string, number>();

export function crashPoint(name: CrashPoint): void {
  const nth = plan.get(name);
  if (nth === undefined) return;
  const count = (passes.get(name) ?? 0) + 1;
  passes.set(name, count);
  if (count === nth) process.kill(process.pid, 'SIGKILL');
}
