/**
 * Turns at the embedded file's write lock between the two connections of one process: the API's
 * and the dispatch thread's. SQLite's own lock can only be waited for by blocking the event loop
 * (its busy handler sleeps) or by polling it; polled every millisecond, three group commits in
 * four found it taken under load, and each wait cost a timer's millisecond or more of latency.
 *
 * Here the lock lives in shared memory: a connection with a group to commit takes the turn if it
 * is free, else leaves its name and is woken (Atomics.waitAsync, which does not block) the moment
 * the other's commit ends, the turn handed straight to it, so neither can take two turns while
 * the other waits. SQLite's lock still guards against any other process; the turn only decides
 * which of ours tries first.
 */

/** Who holds or waits: 0 is nobody. */
export type TurnHolder = 1 | 2;

const HOLDER = 0;
const WAITER = 1;

/** The longest a waiter sleeps before looking again, should a wake-up ever be missed. */
const RECHECK_MS = 50;

export class WriteTurns {
  private readonly cells: Int32Array;

  /** `buffer` is shared with the other side (worker data carries it by reference). */
  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly me: TurnHolder,
  ) {
    this.cells = new Int32Array(buffer);
  }

  static newBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  }

  /** Undefined when the turn is taken at once; otherwise resolves once it has been handed over. */
  take(): Promise<void> | undefined {
    if (this.tryTake()) return undefined;
    return this.wait();
  }

  /** Ends this side's turn: to the other side if it is waiting, else to whoever comes first. */
  done(): void {
    const waiter = Atomics.exchange(this.cells, WAITER, 0);
    Atomics.store(this.cells, HOLDER, waiter !== 0 && waiter !== this.me ? waiter : 0);
    Atomics.notify(this.cells, HOLDER);
  }

  /** Frees a turn held or awaited by `side`, which has gone (its thread died mid-turn). */
  releaseGone(side: TurnHolder): void {
    Atomics.compareExchange(this.cells, WAITER, side, 0);
    if (Atomics.compareExchange(this.cells, HOLDER, side, 0) === side) Atomics.notify(this.cells, HOLDER);
  }

  private tryTake(): boolean {
    const was = Atomics.compareExchange(this.cells, HOLDER, 0, this.me);
    return was === 0 || was === this.me;
  }

  private async wait(): Promise<void> {
    for (;;) {
      Atomics.store(this.cells, WAITER, this.me);
      // Freed between the first try and the name being left: take it, and take the name back.
      if (this.tryTake()) {
        Atomics.compareExchange(this.cells, WAITER, this.me, 0);
        return;
      }
      const holder = Atomics.load(this.cells, HOLDER);
      if (holder === this.me) return;
      const waited = Atomics.waitAsync(this.cells, HOLDER, holder, RECHECK_MS);
      if (waited.async) {
        // A pending waitAsync does not keep Node's event loop alive: without this, a thread with
        // nothing else to do would end instead of waking for its turn.
        const alive = setTimeout(() => undefined, RECHECK_MS);
        await waited.value;
        clearTimeout(alive);
      }
      if (Atomics.load(this.cells, HOLDER) === this.me) return;
    }
  }
}
