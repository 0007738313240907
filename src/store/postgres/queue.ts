/**
 * The dispatch queue in PostgreSQL mode: the jobs table MessageRepository.accept fills in the same
 * transaction as the messages. As in the embedded queue, a claim pushes run_at forward by the
 * lease, so a job whose worker dies becomes due again by itself; FOR UPDATE SKIP LOCKED lets any
 * number of workers in any number of processes claim at once without waiting for, or taking, each
 * other's jobs. Workers serve every tenant, so the queue runs as the router role (jobs only).
 */
import type { JobQueue } from '../../core/ports/queue.ts';
import { type ClaimedJobRow, toJob } from '../rows/jobs.ts';
import type { PgDatabase } from './database.ts';

export interface PostgresQueueOptions {
  /**
   * This process is the only one using the database (a single-node deployment that still wants
   * PostgreSQL). Only then does `releaseLeases` release anything: with several processes, a
   * leased job may belong to a live worker in another process, and releasing it would send the
   * message twice. Without it, leases of a dead process simply run out.
   */
  singleProcess: boolean;
}

export function createPostgresQueue(db: PgDatabase, options: PostgresQueueOptions): JobQueue {
  return {
    finishedByStore: true,
    claim(now, limit, leaseMs) {
      return db.router(async (tx) => {
        // SET expressions read the old row, so `interrupted` captures whether the previous claim
        // was still in flight when its lease ran out (its worker died mid-attempt) with a request
        // that may have left (`written`, set by MessageRepository.beginAttempts): a claim that died
        // before writing cannot have reached the provider. `written` stays until an outcome is
        // recorded (retryAt, or the job's end), so a claim that dies before deciding passes it on.
        // A claim that died before writing gives its attempt back: the provider never saw it.
        const rows = await tx.query<ClaimedJobRow>(
          `UPDATE jobs j SET run_at = $1, attempts = j.attempts + CASE WHEN j.in_flight AND NOT j.written THEN 0 ELSE 1 END,
             interrupted = j.in_flight AND j.written,
             in_flight = true
           FROM (SELECT message_id FROM jobs WHERE run_at <= $2 ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
           WHERE j.message_id = due.message_id
           RETURNING j.message_id, j.tenant_id, j.channel_account_id, j.attempts, j.interrupted`,
          [new Date(now.getTime() + leaseMs).toISOString(), now.toISOString(), limit],
        );
        return rows.map(toJob);
      });
    },
    ack(messageId) {
      return db.router(async (tx) => {
        await tx.query('DELETE FROM jobs WHERE message_id = $1', [messageId]);
      });
    },
    retryAt(messageId, runAt, { countAttempt, lastError }) {
      return db.router(async (tx) => {
        await tx.query(
          'UPDATE jobs SET run_at = $1, attempts = attempts - $2, in_flight = false, written = false, last_error = $3 WHERE message_id = $4',
          [runAt.toISOString(), countAttempt ? 0 : 1, lastError ?? null, messageId],
        );
      });
    },
    async releaseLeases(now) {
      if (!options.singleProcess) return 0;
      return db.router(async (tx) => {
        const rows = await tx.query(
          'UPDATE jobs SET run_at = $1 WHERE in_flight AND run_at > $1 RETURNING message_id',
          [now.toISOString()],
        );
        return rows.length;
      });
    },
    depth(now) {
      return db.router(async (tx) => {
        const [row] = await tx.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM jobs WHERE run_at <= $1',
          [now.toISOString()],
        );
        return row?.n ?? 0;
      });
    },
    nextDueInMs(now) {
      return db.router(async (tx) => {
        const [row] = await tx.query<{ t: Date | null }>('SELECT min(run_at) AS t FROM jobs');
        return row?.t ? Math.max(0, row.t.getTime() - now.getTime()) : undefined;
      });
    },
  };
}
