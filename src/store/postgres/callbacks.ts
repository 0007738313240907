/**
 * The callback outbox, consuming side. The notifier serves every tenant, so leases and outcomes
 * are written as the router role, which sees only the lease and outcome columns; the url and
 * payload of what it claimed are then read in each tenant's own context.
 */

import type { CallbackDelivery, CallbackRepository } from '../../core/ports/store.ts';
import { coalesced } from '../../lib/coalesce.ts';
import { type CallbackRow, toCallbackDelivery, toCallbackListing } from '../rows/callbacks.ts';
import { FairShare } from '../rows/fair-claim.ts';
import type { PgDatabase } from './database.ts';

/**
 * The keys (lane, tenant) with pending callbacks, by a loose scan of callback_fair (as queue.ts
 * scans jobs_fair), each with its due callbacks counted up to `$2`; only keys due by `$1`.
 */
const DUE_KEYS = `WITH RECURSIVE k AS (
    (SELECT lane, tenant_id, next_at FROM callback_deliveries WHERE state = 'pending'
     ORDER BY lane, tenant_id, next_at LIMIT 1)
    UNION ALL
    SELECT n.lane, n.tenant_id, n.next_at FROM k CROSS JOIN LATERAL (
      SELECT c.lane, c.tenant_id, c.next_at FROM callback_deliveries c
      WHERE c.state = 'pending' AND (c.lane, c.tenant_id) > (k.lane, k.tenant_id)
      ORDER BY c.lane, c.tenant_id, c.next_at LIMIT 1) n
  )
  SELECT k.lane, k.tenant_id, k.next_at, d.n AS due FROM k CROSS JOIN LATERAL (
    SELECT count(*)::int AS n FROM (SELECT 1 FROM callback_deliveries c WHERE c.state = 'pending'
      AND c.lane = k.lane AND c.tenant_id = k.tenant_id AND c.next_at <= $1 LIMIT $2) due) d
  WHERE k.next_at <= $1`;

/** What the router role may read of a claimed delivery: not its url or payload. */
type ClaimedRow = Omit<CallbackRow, 'url' | 'payload'>;

export function createCallbackRepository(
  db: PgDatabase,
  options: { singleProcess: boolean },
): CallbackRepository {
  const fair = new FairShare();
  // A busy notifier finishes hundreds of deliveries a second, each once a transaction of its own
  // (36 % of a worker's database time in one profile): those finished in one turn share one.
  const markDelivered = coalesced((done: Array<{ id: string; statusCode: number }>) =>
    db.router(async (tx) => {
      await tx.query(
        `UPDATE callback_deliveries c SET state = 'delivered', claimed = false, last_status = d.status,
           last_error = NULL, updated_at = $3
         FROM unnest($1::text[], $2::int[]) AS d(id, status) WHERE c.id = d.id`,
        [done.map((d) => d.id), done.map((d) => d.statusCode), new Date().toISOString()],
      );
      return done.map(() => undefined);
    }),
  );
  return {
    claimDue(now, limit, leaseMs) {
      return db.router(async (tx) => {
        const keys = await tx.query<{ lane: number; tenant_id: string; next_at: Date; due: number }>(
          DUE_KEYS,
          [now.toISOString(), limit],
        );
        const shares = fair.share(
          keys.map((k) => ({
            lane: k.lane,
            tenantId: k.tenant_id,
            accountId: '',
            runAt: k.next_at.getTime(),
            due: k.due,
          })),
          limit,
        );
        if (shares.length === 0) return [];
        // As with jobs, the lease is next_at pushed forward: a claimed row is invisible until then,
        // and reappears by itself if the notifier dies before recording the outcome. Rows another
        // notifier holds are skipped, and the claim comes out that much smaller.
        const claimed = await tx.query<ClaimedRow>(
          `UPDATE callback_deliveries c SET next_at = $1, attempts = c.attempts + 1, claimed = true
           FROM (SELECT d.id FROM unnest($3::smallint[], $4::text[], $5::int[]) AS s(lane, tenant_id, take)
                 CROSS JOIN LATERAL (SELECT id FROM callback_deliveries WHERE state = 'pending'
                   AND lane = s.lane AND tenant_id = s.tenant_id AND next_at <= $2
                   ORDER BY next_at LIMIT s.take FOR UPDATE SKIP LOCKED) d) due
           WHERE c.id = due.id
           RETURNING c.id, c.tenant_id, c.message_id, c.attempts, c.endpoint_id, c.event_id`,
          [
            new Date(now.getTime() + leaseMs).toISOString(),
            now.toISOString(),
            shares.map((s) => s.lane),
            shares.map((s) => s.tenantId),
            shares.map((s) => s.take),
          ],
        );
        const content = new Map<string, { url: string; payload: string }>();
        for (const tenantId of new Set(claimed.map((r) => r.tenant_id))) {
          await tx.asTenant(tenantId);
          const rows = await tx.query<{ id: string; url: string; payload: string }>(
            'SELECT id, url, payload FROM callback_deliveries WHERE tenant_id = $1 AND id = ANY($2::text[])',
            [tenantId, claimed.filter((r) => r.tenant_id === tenantId).map((r) => r.id)],
          );
          for (const r of rows) content.set(r.id, r);
        }
        return claimed.flatMap((r): CallbackDelivery[] => {
          const c = content.get(r.id);
          return c ? [toCallbackDelivery({ ...r, url: c.url, payload: c.payload })] : [];
        });
      });
    },
    async releaseLeases(now) {
      // Only for a process that owns the database alone: in multi-process mode a claimed
      // delivery may be in a live notifier's hands (see PostgresQueueOptions.singleProcess).
      if (!options.singleProcess) return 0;
      return db.router(
        async (tx) =>
          (
            await tx.query(
              `UPDATE callback_deliveries SET next_at = $1, claimed = false WHERE claimed AND state = 'pending'
               RETURNING id`,
              [now.toISOString()],
            )
          ).length,
      );
    },
    async markDelivered(id, statusCode) {
      await markDelivered([{ id, statusCode }]);
    },
    markFailed(id, error, nextAt) {
      return db.router(async (tx) => {
        await tx.query(
          `UPDATE callback_deliveries SET state = $1, claimed = false, next_at = $2, last_error = $3, updated_at = $4
           WHERE id = $5`,
          [
            nextAt ? 'pending' : 'failed',
            new Date(nextAt?.getTime() ?? 0).toISOString(),
            error,
            new Date().toISOString(),
            id,
          ],
        );
      });
    },
    list(tenantId, messageId) {
      return db.tenant(tenantId, async (tx) => {
        const rows = await tx.query<CallbackRow & { state: string; last_error: string | null }>(
          `SELECT id, tenant_id, message_id, url, payload, attempts, state, last_error, endpoint_id, event_id
           FROM callback_deliveries WHERE tenant_id = $1 AND message_id = $2 ORDER BY id`,
          [tenantId, messageId],
        );
        return rows.map(toCallbackListing);
      });
    },
  };
}
