import type { CallbackRepository } from '../../core/ports/store.ts';
import { type CallbackRow, toCallbackDelivery, toCallbackListing } from '../rows/callbacks.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createCallbackRepository(db: Db, writer: GroupCommitter): CallbackRepository {
  const prepare = statementCache(db);
  // As with jobs, the lease is next_at pushed forward: a claimed row is invisible until then, and
  // reappears by itself if the notifier dies before recording the outcome.
  const claim = prepare(
    `UPDATE callback_deliveries SET next_at = ?, attempts = attempts + 1, claimed = 1
     WHERE id IN (SELECT id FROM callback_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?)
     RETURNING id, tenant_id, message_id, url, payload, attempts, endpoint_id, event_id`,
  );
  return {
    claimDue(now, limit, leaseMs) {
      return writer.run(() => {
        const rows = claim.all(now.getTime() + leaseMs, now.getTime(), limit) as CallbackRow[];
        return rows.map(toCallbackDelivery);
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
