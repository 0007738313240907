import type { CallbackRepository } from '../../core/ports/store.ts';
import { type CallbackRow, toCallbackDelivery, toCallbackListing } from '../rows/callbacks.ts';
import { FairShare, type QueueKey } from '../rows/fair-claim.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createCallbackRepository(db: Db, writer: GroupCommitter): CallbackRepository {
  const prepare = statementCache(db);
  // A claim is shared out as the queue's is (rows/fair-claim.ts), by the keys (lane, tenant) of
  // the pending callbacks, found by a loose scan of callback_fair (see queue.ts for why the next
  // key is sought level by level). Its first row per key is the key's oldest: next_at is last.
  const scanKeys = prepare(
    `WITH RECURSIVE k(id) AS (
       SELECT (SELECT rowid FROM callback_deliveries WHERE state = 'pending' ORDER BY lane, tenant_id, next_at LIMIT 1)
       UNION ALL
       SELECT COALESCE(
         (SELECT n.rowid FROM callback_deliveries n
          WHERE n.state = 'pending' AND n.lane = c.lane AND n.tenant_id > c.tenant_id
          ORDER BY n.tenant_id, n.next_at LIMIT 1),
         (SELECT n.rowid FROM callback_deliveries n WHERE n.state = 'pending' AND n.lane > c.lane
          ORDER BY n.lane, n.tenant_id, n.next_at LIMIT 1))
       FROM k JOIN callback_deliveries c ON c.rowid = k.id
     )
     SELECT c.lane, c.tenant_id, c.next_at FROM k JOIN callback_deliveries c ON c.rowid = k.id`,
  );
  const countDue = prepare(
    `SELECT count(*) AS n FROM (SELECT 1 FROM callback_deliveries
       WHERE state = 'pending' AND lane = ? AND tenant_id = ? AND next_at <= ? LIMIT ?)`,
  );
  // As with jobs, the lease is next_at pushed forward: a claimed row is invisible until then, and
  // reappears by itself if the notifier dies before recording the outcome.
  const claimKey = prepare(
    `UPDATE callback_deliveries SET next_at = ?, attempts = attempts + 1, claimed = 1
     WHERE id IN (SELECT id FROM callback_deliveries
       WHERE state = 'pending' AND lane = ? AND tenant_id = ? AND next_at <= ? ORDER BY next_at LIMIT ?)
     RETURNING id, tenant_id, message_id, url, payload, attempts, endpoint_id, event_id`,
  );
  const fair = new FairShare();
  return {
    claimDue(now, limit, leaseMs) {
      return writer.run(() => {
        const at = now.getTime();
        const keys = (scanKeys.all() as Array<{ lane: number; tenant_id: string; next_at: number }>)
          .filter((r) => r.next_at <= at)
          .map((r): QueueKey & { due: number } => ({
            lane: r.lane,
            tenantId: r.tenant_id,
            accountId: '',
            runAt: r.next_at,
            due: (countDue.get(r.lane, r.tenant_id, at, limit) as { n: number }).n,
          }));
        return fair
          .share(keys, limit)
          .flatMap((s) => claimKey.all(at + leaseMs, s.lane, s.tenantId, at, s.take) as CallbackRow[])
          .map(toCallbackDelivery);
      });
    },
    releaseLeases(now) {
      return writer.run(
        () =>
          prepare(
            "UPDATE callback_deliveries SET next_at = ?, claimed = 0 WHERE claimed = 1 AND state = 'pending'",
          ).run(now.getTime()).changes,
      );
    },
    markDelivered(id, statusCode) {
      return writer.run(() => {
        prepare(
          "UPDATE callback_deliveries SET state = 'delivered', claimed = 0, last_status = ?, last_error = NULL, updated_at = ? WHERE id = ?",
        ).run(statusCode, new Date().toISOString(), id);
      });
    },
    markFailed(id, error, nextAt) {
      return writer.run(() => {
        prepare(
          'UPDATE callback_deliveries SET state = ?, claimed = 0, next_at = ?, last_error = ?, updated_at = ? WHERE id = ?',
        ).run(nextAt ? 'pending' : 'failed', nextAt?.getTime() ?? 0, error, new Date().toISOString(), id);
      });
    },
    async list(tenantId, messageId) {
      const rows = prepare(
        'SELECT * FROM callback_deliveries WHERE tenant_id = ? AND message_id = ? ORDER BY id',
      ).all(tenantId, messageId) as Array<CallbackRow & { state: string; last_error: string | null }>;
      return rows.map(toCallbackListing);
    },
  };
}
