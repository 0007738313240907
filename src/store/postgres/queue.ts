/**
 * The dispatch queue in PostgreSQL mode: the jobs table MessageRepository.accept fills in the same
 * transaction as the messages. As in the embedded queue, a claim pushes run_at forward by the
 * lease, so a job whose worker dies becomes due again by itself; FOR UPDATE SKIP LOCKED lets any
 * number of workers in any number of processes claim at once without waiting for, or taking, each
 * other's jobs. Workers serve every tenant, so the queue runs as the router role (jobs only).
 */
import type { ClaimOptions, JobQueue } from '../../core/ports/queue.ts';
import { claimable, FairShare, nextDueIn, type QueueKey } from '../rows/fair-claim.ts';
import { type ClaimedJobRow, toJob } from '../rows/jobs.ts';
import type { PgDatabase, Tx } from './database.ts';

/**
 * The keys (lane, tenant, account) that have jobs, by a loose index scan of jobs_fair: each step of
 * the recursive CTE seeks the first row past the previous key, whose run_at is that key's oldest.
 * A key with a million jobs costs one seek. With `$1`, each key's due jobs are counted up to `$2`,
 * except for the accounts in `$3` (capped at 0), which are left unread.
 */
const SCAN_KEYS = `WITH RECURSIVE k AS (
    (SELECT lane, tenant_id, channel_account_id, run_at FROM jobs
     ORDER BY lane, tenant_id, channel_account_id, run_at LIMIT 1)
    UNION ALL
    SELECT n.lane, n.tenant_id, n.channel_account_id, n.run_at FROM k CROSS JOIN LATERAL (
      SELECT j.lane, j.tenant_id, j.channel_account_id, j.run_at FROM jobs j
      WHERE (j.lane, j.tenant_id, j.channel_account_id) > (k.lane, k.tenant_id, k.channel_account_id)
      ORDER BY j.lane, j.tenant_id, j.channel_account_id, j.run_at LIMIT 1) n
  )`;

type KeyRow = { lane: number; tenant_id: string; channel_account_id: string; run_at: Date; due?: number };

const toKey = (r: KeyRow): QueueKey => ({
  lane: r.lane,
  tenantId: r.tenant_id,
  accountId: r.channel_account_id,
  runAt: r.run_at.getTime(),
});

const heldAccounts = (options?: ClaimOptions): string[] =>
  [...(options?.accountCaps ?? [])].filter(([, cap]) => cap <= 0).map(([id]) => id);

const scanKeys = async (tx: Tx): Promise<QueueKey[]> =>
  (await tx.query<KeyRow>(`${SCAN_KEYS} SELECT lane, tenant_id, channel_account_id, run_at FROM k`)).map(
    toKey,
  );

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
  const fair = new FairShare();
  return {
    finishedByStore: true,
    claim(now, limit, leaseMs, options) {
      return db.router(async (tx) => {
        const keys = await tx.query<KeyRow>(
          `${SCAN_KEYS}
           SELECT k.lane, k.tenant_id, k.channel_account_id, k.run_at, d.n AS due FROM k CROSS JOIN LATERAL (
             SELECT count(*)::int AS n FROM (SELECT 1 FROM jobs j WHERE j.lane = k.lane AND j.tenant_id = k.tenant_id
               AND j.channel_account_id = k.channel_account_id AND j.run_at <= $1 LIMIT $2) due) d
           WHERE k.run_at <= $1 AND NOT (k.channel_account_id = ANY($3::text[]))`,
          [now.toISOString(), limit, heldAccounts(options)],
        );
        const shares = fair.share(
          claimable(
            keys.map((r) => ({ ...toKey(r), due: r.due ?? 0 })),
            now.getTime(),
            options,
          ),
          limit,
          options,
        );
        if (shares.length === 0) return [];
        // SET expressions read the old row, so `interrupted` captures whether the previous claim
        // was still in flight when its lease ran out (its worker died mid-attempt) with a request
        // that may have left (`written`, set by MessageRepository.beginAttempts): a claim that died
        // before writing cannot have reached the provider. `written` stays until an outcome is
        // recorded (retryAt, or the job's end), so a claim that dies before deciding passes it on.
        // A claim that died before writing gives its attempt back: the provider never saw it.
        // Another worker's claim may hold some of a key's rows: they are skipped, and the claim
        // comes out that much smaller.
        const rows = await tx.query<ClaimedJobRow>(
          `UPDATE jobs j SET run_at = $1, attempts = j.attempts + CASE WHEN j.in_flight AND NOT j.written THEN 0 ELSE 1 END,
             interrupted = j.in_flight AND j.written,
             in_flight = true
           FROM (SELECT d.message_id FROM unnest($3::smallint[], $4::text[], $5::text[], $6::int[])
                   AS s(lane, tenant_id, account, take)
                 CROSS JOIN LATERAL (SELECT message_id FROM jobs WHERE lane = s.lane AND tenant_id = s.tenant_id
                   AND channel_account_id = s.account AND run_at <= $2 ORDER BY run_at LIMIT s.take
                   FOR UPDATE SKIP LOCKED) d) due
           WHERE j.message_id = due.message_id
           RETURNING j.message_id, j.tenant_id, j.channel_account_id, j.attempts, j.interrupted`,
          [
            new Date(now.getTime() + leaseMs).toISOString(),
            now.toISOString(),
            shares.map((s) => s.lane),
            shares.map((s) => s.tenantId),
            shares.map((s) => s.accountId),
            shares.map((s) => s.take),
          ],
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
    nextDueInMs(now, claimOptions) {
      return db.router(async (tx) => {
        if (claimOptions?.accountCaps?.size)
          return nextDueIn(await scanKeys(tx), now.getTime(), claimOptions);
        const [row] = await tx.query<{ t: Date | null }>('SELECT min(run_at) AS t FROM jobs');
        return row?.t ? Math.max(0, row.t.getTime() - now.getTime()) : undefined;
      });
    },
  };
}
