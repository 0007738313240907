/**
 * Webhook subscriptions and their delivery log. Which endpoints want which events is asked on
 * every status change (inside its transaction), so it is answered from memory: the endpoints of a
 * tenant are loaded once and reloaded after any change made through this repository.
 */

import type { WebhookEndpoint, WebhookRepository } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { type DeliveryLogRow, toDeliveryRecord } from '../rows/callbacks.ts';
import {
  type EndpointRow,
  rotatedSecrets,
  sealSecrets,
  signingOf,
  toEndpoint,
  updatedEndpointColumns,
  wanting,
} from '../rows/webhooks.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

/** The endpoints an event goes to, answered synchronously inside a write transaction. */
export type Subscribers = (tenantId: string, eventType: string) => ReadonlyArray<{ id: string; url: string }>;

export function createWebhookRepository(
  db: Db,
  writer: GroupCommitter,
  box: SecretBox,
  /** Another connection caches them too (the dispatch thread's): it is told after the commit. */
  onChanged?: (tenantId: string) => void,
): { repository: WebhookRepository; subscribers: Subscribers; forget: (tenantId: string) => void } {
  const prepare = statementCache(db);
  const selectForTenant = prepare('SELECT * FROM webhook_endpoints WHERE tenant_id = ? ORDER BY id');
  const selectOne = prepare('SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND id = ?');
  const selectById = prepare('SELECT * FROM webhook_endpoints WHERE id = ?');
  const enabledByTenant = new Map<string, WebhookEndpoint[]>();

  const subscribers: Subscribers = (tenantId, eventType) => {
    let endpoints = enabledByTenant.get(tenantId);
    if (!endpoints) {
      endpoints = (selectForTenant.all(tenantId) as EndpointRow[])
        .map(toEndpoint)
        .filter((e) => e.state === 'enabled');
      enabledByTenant.set(tenantId, endpoints);
    }
    return wanting(endpoints, eventType);
  };
  const forget = (tenantId: string) => void enabledByTenant.delete(tenantId);
  const changed = (tenantId: string) => {
    forget(tenantId);
    // Inside the group's transaction: a microtask runs once its commit is done, so the other
    // connection cannot reload the old rows after hearing of the change.
    if (onChanged) queueMicrotask(() => onChanged(tenantId));
  };

  const repository: WebhookRepository = {
    create(e, secret) {
      return writer.run(() => {
        prepare(
          `INSERT INTO webhook_endpoints (id, tenant_id, url, description, events, secrets_enc, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'enabled', ?, ?)`,
        ).run(
          e.id,
          e.tenantId,
          e.url,
          e.description ?? null,
          JSON.stringify(e.events),
          sealSecrets(box, [{ secret }]),
          e.createdAt,
          e.createdAt,
        );
        changed(e.tenantId);
      });
    },
    async list(tenantId) {
      return (selectForTenant.all(tenantId) as EndpointRow[]).map(toEndpoint);
    },
    async get(tenantId, id) {
      const row = selectOne.get(tenantId, id) as EndpointRow | undefined;
      return row ? toEndpoint(row) : undefined;
    },
    update(tenantId, id, change, at) {
      return writer.run(() => {
        const row = selectOne.get(tenantId, id) as EndpointRow | undefined;
        if (!row) return undefined;
        const columns = updatedEndpointColumns(row, change);
        prepare(
          `UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, state = ?, disabled_reason = ?, updated_at = ?
           WHERE id = ?`,
        ).run(
          columns.url,
          columns.description,
          columns.events,
          columns.state,
          columns.disabled_reason,
          at,
          id,
        );
        changed(tenantId);
        return toEndpoint(selectOne.get(tenantId, id) as EndpointRow);
      });
    },
    delete(tenantId, id) {
      return writer.run(() => {
        const deleted = prepare('DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?').run(
          tenantId,
          id,
        );
        // Its pending deliveries have nowhere to go.
        prepare(
          "UPDATE callback_deliveries SET state = 'failed', last_error = 'endpoint deleted' WHERE endpoint_id = ? AND state = 'pending'",
        ).run(id);
        changed(tenantId);
        return deleted.changes > 0;
      });
    },
    async signing(tenantId, id, now) {
      const row = selectOne.get(tenantId, id) as EndpointRow | undefined;
      return row ? signingOf(row, box, now) : undefined;
    },
    rotateSecret(tenantId, id, secret, oldExpireAt) {
      return writer.run(() => {
        const row = selectOne.get(tenantId, id) as EndpointRow | undefined;
        if (!row) return false;
        const now = new Date().toISOString();
        prepare('UPDATE webhook_endpoints SET secrets_enc = ?, updated_at = ? WHERE id = ?').run(
          sealSecrets(box, rotatedSecrets(row, box, secret, oldExpireAt, now)),
          now,
          id,
        );
        return true;
      });
    },
    disable(id, reason, at) {
      return writer.run(() => {
        const row = selectById.get(id) as EndpointRow | undefined;
        if (!row) return;
        prepare(
          "UPDATE webhook_endpoints SET state = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?",
        ).run(reason, at, id);
        changed(row.tenant_id);
      });
    },
    async deliveries(tenantId, id, page) {
      const rows = prepare(
        `SELECT id, event_id, message_id, state, attempts, last_status, last_error, payload, created_at, updated_at
         FROM callback_deliveries WHERE endpoint_id = ? AND tenant_id = ? ${page.beforeId ? 'AND id < ?' : ''}
         ORDER BY id DESC LIMIT ?`,
      ).all(...[id, tenantId, ...(page.beforeId ? [page.beforeId] : []), page.limit]) as DeliveryLogRow[];
      return rows.map(toDeliveryRecord);
    },
    replay(tenantId, id, filter, at) {
      return writer.run(() => {
        const where = ['endpoint_id = ?', 'tenant_id = ?'];
        const args: unknown[] = [id, tenantId];
        if (filter.deliveryIds) {
          where.push(`id IN (${filter.deliveryIds.map(() => '?').join(', ')})`);
          args.push(...filter.deliveryIds);
        }
        if (filter.since) {
          where.push('created_at >= ?');
          args.push(filter.since);
        }
        if (filter.until) {
          where.push('created_at < ?');
          args.push(filter.until);
        }
        const result = prepare(
          `UPDATE callback_deliveries SET state = 'pending', next_at = ?, attempts = 0, updated_at = ?
           WHERE ${where.join(' AND ')}`,
        ).run(Date.parse(at), at, ...args);
        return result.changes;
      });
    },
  };
  return { repository, subscribers, forget };
}
