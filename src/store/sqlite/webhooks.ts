/**
 * Webhook subscriptions and their delivery log. Which endpoints want which events is asked on
 * every status change (inside its transaction), so it is answered from memory: the endpoints of a
 * tenant are loaded once and reloaded after any change made through this repository.
 */
import type { SecretBox } from '../../lib/crypto.ts';
import type { DeliveryRecord, EndpointSecret, WebhookEndpoint, WebhookRepository } from '../types.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: string;
  secrets_enc: string;
  state: 'enabled' | 'disabled';
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

interface DeliveryRow {
  id: string;
  event_id: string | null;
  message_id: string;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  payload: string;
  created_at: string;
  updated_at: string;
}

/** The endpoints an event goes to, answered synchronously inside a write transaction. */
export type Subscribers = (tenantId: string, eventType: string) => ReadonlyArray<{ id: string; url: string }>;

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    url: r.url,
    ...(r.description !== null ? { description: r.description } : {}),
    events: JSON.parse(r.events),
    state: r.state,
    ...(r.disabled_reason !== null ? { disabledReason: r.disabled_reason } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function createWebhookRepository(
  db: Db,
  writer: GroupCommitter,
  box: SecretBox,
): { repository: WebhookRepository; subscribers: Subscribers } {
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
    return endpoints.filter((e) => e.events.includes('*') || e.events.includes(eventType));
  };
  const changed = (tenantId: string) => enabledByTenant.delete(tenantId);

  const readSecrets = (row: EndpointRow): EndpointSecret[] => JSON.parse(box.open(row.secrets_enc));

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
          box.seal(JSON.stringify([{ secret }] satisfies EndpointSecret[])),
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
        const enabled = change.enabled ?? row.state === 'enabled';
        prepare(
          `UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, state = ?, disabled_reason = ?, updated_at = ?
           WHERE id = ?`,
        ).run(
          change.url ?? row.url,
          change.description ?? row.description,
          change.events ? JSON.stringify(change.events) : row.events,
          enabled ? 'enabled' : 'disabled',
          enabled ? null : change.enabled === false ? 'disabled through the API' : row.disabled_reason,
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
      if (!row) return undefined;
      return {
        state: row.state,
        ...(row.disabled_reason !== null ? { disabledReason: row.disabled_reason } : {}),
        // A disabled endpoint gets no delivery, so its secrets need not be decrypted.
        secrets:
          row.state === 'enabled'
            ? readSecrets(row).filter((s) => s.expiresAt === undefined || s.expiresAt > now)
            : [],
      };
    },
    rotateSecret(tenantId, id, secret, oldExpireAt) {
      return writer.run(() => {
        const row = selectOne.get(tenantId, id) as EndpointRow | undefined;
        if (!row) return false;
        const now = new Date().toISOString();
        // Secrets already rotated out keep their own (earlier) end; the current one ends at oldExpireAt.
        const kept = readSecrets(row)
          .filter((s) => s.expiresAt === undefined || s.expiresAt > now)
          .map((s) => ({
            secret: s.secret,
            expiresAt: s.expiresAt !== undefined && s.expiresAt < oldExpireAt ? s.expiresAt : oldExpireAt,
          }));
        const secrets: EndpointSecret[] = [{ secret }, ...kept];
        prepare('UPDATE webhook_endpoints SET secrets_enc = ?, updated_at = ? WHERE id = ?').run(
          box.seal(JSON.stringify(secrets)),
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
      ).all(...[id, tenantId, ...(page.beforeId ? [page.beforeId] : []), page.limit]) as DeliveryRow[];
      return rows.map(
        (r): DeliveryRecord => ({
          id: r.id,
          eventId: r.event_id ?? r.id,
          messageId: r.message_id,
          state: r.state,
          attempts: r.attempts,
          ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
          ...(r.last_error !== null ? { lastError: r.last_error } : {}),
          payload: r.payload,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        }),
      );
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
  return { repository, subscribers };
}
