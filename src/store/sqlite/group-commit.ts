/**
 * Group commit: writes requested in the same turn of the event loop share one transaction, so one
 * fsync (synchronous=FULL) covers many accepts and status changes. Each write runs in its own
 * savepoint, so one that throws is rolled back alone and its caller gets the error, while the
 * others commit. This is what lets the embedded mode keep FULL durability at thousands of accepts
 * per second on one SQLite file.
 */
import type { Db } from './database.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

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

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.runOptimistically(batch) ?? this.runIsolated(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing in the batch was written.
      for (const item of batch) item.reject(error);
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
  private runOptimistically(batch: Pending[]): Outcome[] | undefined {
    const failed = Symbol('failed');
    try {
      return this.db.transaction(() =>
        batch.map((item): Outcome => {
          try {
            return { ok: true, value: item.work() };
          } catch {
            throw failed;
          }
        }),
      )();
    } catch (error) {
      if (error === failed) return undefined;
      throw error;
    }
  }

  /** Runs each write in its own savepoint, so one that throws is rolled back alone. */
  private runIsolated(batch: Pending[]): Outcome[] {
    const outcomes: Outcome[] = [];
    this.db.transaction(() => {
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
    })();
    return outcomes;
  }
}
