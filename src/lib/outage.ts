/**
 * One dependency's outage as the log tells it: a line when it goes down, a reminder now and then
 * while it stays down (saying how many failures went unlogged), a line when it is back. Without
 * this, a worker polling a server that is gone logs every poll and every reconnect attempt, and
 * the lines that matter drown.
 */
import type { Logger } from './log.ts';

/** How often an outage that goes on is mentioned again. */
const REMIND_MS = 60_000;

export class Outage {
  private since: number | undefined;
  private lastLogged = 0;
  private unlogged = 0;

  constructor(
    /** What is out of reach or failing, as the log names it, e.g. `redis (delivery limits)`. */
    private readonly what: string,
    private readonly log: Logger,
    /** What waits meanwhile, said once when the outage starts. */
    private readonly consequence = '',
    private readonly now: () => number = Date.now,
  ) {}

  get isDown(): boolean {
    return this.since !== undefined;
  }

  down(error: unknown): void {
    const at = this.now();
    if (this.since === undefined) {
      this.since = at;
      this.lastLogged = at;
      this.unlogged = 0;
      this.log.warn(
        { err: error },
        `${this.what} unavailable${this.consequence ? `: ${this.consequence}` : ''}`,
      );
      return;
    }
    if (at - this.lastLogged < REMIND_MS) {
      this.unlogged++;
      return;
    }
    this.log.warn(
      { err: error, downForMs: at - this.since, failuresNotLogged: this.unlogged },
      `${this.what} still unavailable`,
    );
    this.lastLogged = at;
    this.unlogged = 0;
  }

  up(): void {
    if (this.since === undefined) return;
    this.log.info({ downForMs: this.now() - this.since }, `${this.what} available again`);
    this.since = undefined;
  }
}
