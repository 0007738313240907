/**
 * Group commit: writes requested in the same turn of the event loop share one transaction, so one
 * fsync (synchronous=FULL) covers many accepts and status changes. Each write runs in its own
 * savepoint, so one that throws is rolled back alone and its caller gets the error, while the
 * others commit. This is what lets the embedded mode keep FULL durability at thousands of accepts
 * per second on one SQLite file.
 *
 * With the dispatch thread (runtime.ts) a second connection writes the same file, so a group
 * begins with BEGIN IMMEDIATE: it takes the write lock before its first read, and can never be
 * refused half-way. A committer told to `yieldWhenBusy` (the API's, whose connection waits for no
 * lock: a blocked better-sqlite3 call would stall the whole event loop) treats a lock it cannot
 * take as "not yet": nothing of the group ran, so the whole group waits a moment and tries again,
 * gathering the writes asked for meanwhile. Two connections of one process also take turns
 * (write-turns.ts), so they wait for each other's commit without polling the lock.
 */
import type { Db } from './database.ts';
import type { WriteTurns } from './write-turns.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The write lock was taken by another connection when the group tried to begin. */
const BUSY = Symbol('busy');

/** How long a group that found the lock taken waits before trying again. */
const BUSY_RETRY_MS = 1;

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    // Bounded so one flush never blocks the event loop for long; the rest waits a turn.
    private readonly maxBatch = 128,
    /** A lock held by another connection defers the group instead of failing it (see above). */
    private readonly yieldWhenBusy = false,
    /** Turns shared with the process's other connection to the file, if it has one. */
    private readonly turns?: WriteTurns,
  ) {}

  /**
   * Runs `work` inside the next group transaction; resolves with its result after the commit.
   * `work` may run twice (see runOptimistically), so it must touch nothing but the database.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs the group once this connection has the turn; writes asked for meanwhile join it. */
  private flush(): void {
    const turn = this.turns?.take();
    if (turn === undefined) this.flushInTurn();
    else void turn.then(() => this.flushInTurn());
  }

  private flushInTurn(): void {
    try {
      this.commitGroup();
    } finally {
      this.turns?.done();
    }
  }

  private commitGroup(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    let outcomes: Outcome[] | typeof BUSY;
    try {
      const first = this.runOptimistically(batch);
      outcomes = first ?? this.runIsolated(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing in the batch was written.
      for (const item of batch) item.reject(error);
      return;
    }
    if (outcomes === BUSY) {
      // Nothing of this group was written: it goes first in the next one, whole.
      this.pending.unshift(...batch);
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), BUSY_RETRY_MS);
      }
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  /**
   * The common case: every write succeeds, so they run back to back in one transaction without
   * a savepoint each. If any throws, the whole transaction is rolled back and undefined returned.
   */
  private runOptimistically(batch: Pending[]): Outcome[] | undefined | typeof BUSY {
    const failed = Symbol('failed');
    try {
      return this.immediate(() =>
        batch.map((item): Outcome => {
          try {
            return { ok: true, value: item.work() };
          } catch {
            throw failed;
          }
        }),
      );
    } catch (error) {
      if (error === failed) return undefined;
      throw error;
    }
  }

  /**
   * `body` in a transaction begun with BEGIN IMMEDIATE; BUSY, with nothing run, when another
   * connection holds the write lock and this committer yields rather than waits.
   */
  private immediate<T>(body: () => T): T | typeof BUSY {
    let began = false;
    try {
      return this.db
        .transaction(() => {
          began = true;
          return body();
        })
        .immediate();
    } catch (error) {
      if (!began && this.yieldWhenBusy && isBusy(error)) return BUSY;
      throw error;
    }
  }

  /** Runs each write in its own savepoint, so one that throws is rolled back alone. */
  private runIsolated(batch: Pending[]): Outcome[] | typeof BUSY {
    const outcomes: Outcome[] = [];
    const begun = this.immediate(() => {
      for (const item of batch) {
        try {
          outcomes.push({ ok: true, value: this.db.transaction(item.work)() });
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll back the whole transaction, not just the
          // savepoint. Carrying on would commit the remaining items one by one and then report
          // the batch as failed: abort it instead, so every caller hears the truth.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
    });
    return begun === BUSY ? BUSY : outcomes;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
