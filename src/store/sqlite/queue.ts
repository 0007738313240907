import type { JobQueue } from '../../core/ports/queue.ts';
import { claimable, FairShare, nextDueIn, type QueueKey } from '../rows/fair-claim.ts';
import { type ClaimedJobRow, toJob } from '../rows/jobs.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

/**
 * The embedded dispatch queue: the jobs table that MessageRepository.accept fills in the same
 * transaction as the messages. A claim pushes run_at forward by the lease, so a job whose worker
 * dies becomes due again by itself; no separate reaper is needed.
 *
 * A claim is shared out fairly (rows/fair-claim.ts): the keys (lane, tenant, account) are found by
 * a loose index scan, a recursive CTE that seeks from one key to the next in jobs_fair, so a key
 * with a million jobs costs one seek; better-sqlite3 being synchronous, the scan, the counts and
 * the claims of each key run back to back in one group-commit turn.
 */
export function createSqliteQueue(db: Db, writer: GroupCommitter): JobQueue {
  const prepare = statementCache(db);
  // Each step seeks the first row past the previous key; its run_at is that key's oldest, since
  // run_at is the index's last column. The next key is sought level by level (another account of
  // the tenant, else another tenant of the lane, else the next lane): SQLite seeks a row-value
  // comparison on its first column only, which would read a whole lane.
  const scanKeys = prepare(
    `WITH RECURSIVE k(id) AS (
       SELECT (SELECT rowid FROM jobs ORDER BY lane, tenant_id, channel_account_id, run_at LIMIT 1)
       UNION ALL
       SELECT COALESCE(
         (SELECT n.rowid FROM jobs n
          WHERE n.lane = j.lane AND n.tenant_id = j.tenant_id AND n.channel_account_id > j.channel_account_id
          ORDER BY n.channel_account_id, n.run_at LIMIT 1),
         (SELECT n.rowid FROM jobs n WHERE n.lane = j.lane AND n.tenant_id > j.tenant_id
          ORDER BY n.tenant_id, n.channel_account_id, n.run_at LIMIT 1),
         (SELECT n.rowid FROM jobs n WHERE n.lane > j.lane
          ORDER BY n.lane, n.tenant_id, n.channel_account_id, n.run_at LIMIT 1))
       FROM k JOIN jobs j ON j.rowid = k.id
     )
     SELECT j.lane, j.tenant_id, j.channel_account_id, j.run_at FROM k JOIN jobs j ON j.rowid = k.id`,
  );
  const countDue = prepare(
    `SELECT count(*) AS n FROM (SELECT 1 FROM jobs
       WHERE lane = ? AND tenant_id = ? AND channel_account_id = ? AND run_at <= ? LIMIT ?)`,
  );
  const claimKey = prepare(
    // SET expressions read the old row, so `interrupted` captures whether the previous claim was
    // still in flight when its lease ran out (its worker died mid-attempt) with a request that may
    // have left (`written`, set by MessageRepository.beginAttempts): a claim that died before
    // writing cannot have reached the provider. `written` stays until an outcome is recorded
    // (retryAt, or the job's end), so a claim that dies before deciding passes it on. A claim that
    // died before writing gives its attempt back, as a throttled try does: the provider never saw it.
    `UPDATE jobs SET run_at = ?, attempts = attempts + 1 - (in_flight AND NOT written),
       interrupted = in_flight AND written, in_flight = 1
     WHERE message_id IN (SELECT message_id FROM jobs
       WHERE lane = ? AND tenant_id = ? AND channel_account_id = ? AND run_at <= ? ORDER BY run_at LIMIT ?)
     RETURNING message_id, tenant_id, channel_account_id, attempts, interrupted`,
  );
  const keys = (): QueueKey[] =>
    (
      scanKeys.all() as Array<{ lane: number; tenant_id: string; channel_account_id: string; run_at: number }>
    ).map((r) => ({ lane: r.lane, tenantId: r.tenant_id, accountId: r.channel_account_id, runAt: r.run_at }));
  const fair = new FairShare();
  const ack = prepare('DELETE FROM jobs WHERE message_id = ?');
  const retry = prepare(
    'UPDATE jobs SET run_at = ?, attempts = attempts - ?, in_flight = 0, written = 0, last_error = ? WHERE message_id = ?',
  );
  return {
    finishedByStore: true,
    claim(now, limit, leaseMs, options) {
      return writer.run(() => {
        const at = now.getTime();
        const counted = claimable(keys(), at, options).map((k) => ({
          ...k,
          due: (countDue.get(k.lane, k.tenantId, k.accountId, at, limit) as { n: number }).n,
        }));
        return fair
          .share(counted, limit, options)
          .flatMap((s) =>
            (claimKey.all(at + leaseMs, s.lane, s.tenantId, s.accountId, at, s.take) as ClaimedJobRow[]).map(
              toJob,
            ),
          );
      });
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
    async nextDueInMs(now, options) {
      if (options?.accountCaps?.size) return nextDueIn(keys(), now.getTime(), options);
      const row = prepare('SELECT min(run_at) AS t FROM jobs').get() as { t: number | null };
      return row.t === null ? undefined : Math.max(0, row.t - now.getTime());
    },
  };
}
