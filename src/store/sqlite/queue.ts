import type { JobQueue } from '../../core/ports/queue.ts';
import { type ClaimedJobRow, toJob } from '../rows/jobs.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

/**
 * The embedded dispatch queue: the jobs table that MessageRepository.accept fills in the same
 * transaction as the messages. A claim pushes run_at forward by the lease, so a job whose worker
 * dies becomes due again by itself; no separate reaper is needed.
 */
export function createSqliteQueue(db: Db, writer: GroupCommitter): JobQueue {
  const prepare = statementCache(db);
  const claim = prepare(
    // SET expressions read the old row, so `interrupted` captures whether the previous claim was
    // still in flight when its lease ran out (its worker died mid-attempt) with a request that may
    // have left (`written`, set by MessageRepository.beginAttempts): a claim that died before
    // writing cannot have reached the provider. `written` stays until an outcome is recorded
    // (retryAt, or the job's end), so a claim that dies before deciding passes it on. A claim that
    // died before writing gives its attempt back, as a throttled try does: the provider never saw it.
    `UPDATE jobs SET run_at = ?, attempts = attempts + 1 - (in_flight AND NOT written),
       interrupted = in_flight AND written, in_flight = 1
     WHERE message_id IN (SELECT message_id FROM jobs WHERE run_at <= ? ORDER BY run_at LIMIT ?)
     RETURNING message_id, tenant_id, channel_account_id, attempts, interrupted`,
  );
  const ack = prepare('DELETE FROM jobs WHERE message_id = ?');
  const retry = prepare(
    'UPDATE jobs SET run_at = ?, attempts = attempts - ?, in_flight = 0, written = 0, last_error = ? WHERE message_id = ?',
  );
  return {
    finishedByStore: true,
    claim(now, limit, leaseMs) {
      return writer.run(() =>
        (claim.all(now.getTime() + leaseMs, now.getTime(), limit) as ClaimedJobRow[]).map(toJob),
      );
    },
    ack(messageId) {
      return writer.run(() => {
        ack.run(messageId);
      });
    },
    retryAt(messageId, runAt, { countAttempt, lastError }) {
      return writer.run(() => {
        retry.run(runAt.getTime(), countAttempt ? 0 : 1, lastError ?? null, messageId);
      });
    },
    releaseLeases(now) {
      return writer.run(
        () =>
          prepare('UPDATE jobs SET run_at = ? WHERE in_flight = 1 AND run_at > ?').run(
            now.getTime(),
            now.getTime(),
          ).changes,
      );
    },
    async depth(now) {
      return (prepare('SELECT count(*) AS n FROM jobs WHERE run_at <= ?').get(now.getTime()) as { n: number })
        .n;
    },
    async nextDueInMs(now) {
      const row = prepare('SELECT min(run_at) AS t FROM jobs').get() as { t: number | null };
      return row.t === null ? undefined : Math.max(0, row.t - now.getTime());
    },
  };
}
