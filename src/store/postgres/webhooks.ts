/**
 * Webhook subscriptions and their delivery log. Which endpoints want an event is read inside each
 * status change's transaction (callback-outbox.ts), so nothing is cached here.
 */

import type { WebhookRepository } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { type DeliveryLogRow, toDeliveryRecord } from '../rows/callbacks.ts';
import {
  type EndpointRow,
  rotatedSecrets,
  sealSecrets,
  signingOf,
  toEndpoint,
  updatedEndpointColumns,
} from '../rows/webhooks.ts';
import type { PgDatabase, Tx } from './database.ts';

const selectOne = async (tx: Tx, tenantId: string, id: string, lock = false) =>
  (
    await tx.query<EndpointRow>(
      `SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    )
  )[0];

export function createWebhookRepository(db: PgDatabase, box: SecretBox): WebhookRepository {
  return {
    create(e, secret) {
      return db.tenant(e.tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO webhook_endpoints (id, tenant_id, url, description, events, secrets_enc, state, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'enabled', $7, $7)`,
          [
            e.id,
            e.tenantId,
            e.url,
            e.description ?? null,
            JSON.stringify(e.events),
            sealSecrets(box, [{ secret }]),
            e.createdAt,
          ],
        );
      });
    },
    list(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id', [
            tenantId,
          ])
        ).map(toEndpoint),
      );
    },
    get(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id);
        return row ? toEndpoint(row) : undefined;
      });
    },
    update(tenantId, id, change, at) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id, true);
        if (!row) return undefined;
        const columns = updatedEndpointColumns(row, change);
        const [updated] = await tx.query<EndpointRow>(
          `UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, state = $4, disabled_reason = $5,
             updated_at = $6
           WHERE id = $7 RETURNING *`,
          [columns.url, columns.description, columns.events, columns.state, columns.disabled_reason, at, id],
        );
        return toEndpoint(updated!);
      });
    },
    delete(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const deleted = await tx.query(
          'DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id',
          [tenantId, id],
        );
        // Its pending deliveries have nowhere to go.
        await tx.query(
          `UPDATE callback_deliveries SET state = 'failed', last_error = 'endpoint deleted'
           WHERE tenant_id = $1 AND endpoint_id = $2 AND state = 'pending'`,
          [tenantId, id],
        );
        return deleted.length > 0;
      });
    },
    signing(tenantId, id, now) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id);
        return row ? signingOf(row, box, now) : undefined;
      });
    },
    rotateSecret(tenantId, id, secret, oldExpireAt) {
      return db.tenant(tenantId, async (tx) => {
        // Locked: two rotations at once would each drop the other's new secret.
        const row = await selectOne(tx, tenantId, id, true);
        if (!row) return false;
        const now = new Date().toISOString();
        await tx.query('UPDATE webhook_endpoints SET secrets_enc = $1, updated_at = $2 WHERE id = $3', [
          sealSecrets(box, rotatedSecrets(row, box, secret, oldExpireAt, now)),
          now,
          id,
        ]);
        return true;
      });
    },
    disable(id, reason, at) {
      // The notifier heard 410 Gone from a delivery of any tenant's: the router role may learn
      // whose endpoint it is, and the endpoint is then changed as that tenant.
      return db.router(async (tx) => {
        const [owner] = await tx.query<{ tenant_id: string }>(
          'SELECT tenant_id FROM webhook_endpoints WHERE id = $1',
          [id],
        );
        if (!owner) return;
        await tx.asTenant(owner.tenant_id);
        await tx.query(
          "UPDATE webhook_endpoints SET state = 'disabled', disabled_reason = $1, updated_at = $2 WHERE id = $3",
          [reason, at, id],
        );
      });
    },
    deliveries(tenantId, id, page) {
      const args: unknown[] = [id, tenantId];
      if (page.beforeId) args.push(page.beforeId);
      args.push(page.limit);
      return db.tenant(tenantId, async (tx) => {
        const rows = await tx.query<DeliveryLogRow>(
          `SELECT id, event_id, message_id, state, attempts, last_status, last_error, payload, created_at, updated_at
           FROM callback_deliveries WHERE endpoint_id = $1 AND tenant_id = $2 ${page.beforeId ? 'AND id < $3' : ''}
           ORDER BY id DESC LIMIT $${args.length}`,
          args,
        );
        return rows.map(toDeliveryRecord);
      });
    },
    replay(tenantId, id, filter, at) {
      const where = ['endpoint_id = $3', 'tenant_id = $4'];
      const args: unknown[] = [new Date(Date.parse(at)).toISOString(), at, id, tenantId];
      for (const [condition, value] of [
        ['id = ANY', filter.deliveryIds],
        ['created_at >=', filter.since],
        ['created_at <', filter.until],
      ] as const) {
        if (value === undefined) continue;
        args.push(value);
        where.push(
          condition === 'id = ANY' ? `id = ANY($${args.length}::text[])` : `${condition} $${args.length}`,
        );
      }
      return db.tenant(
        tenantId,
        async (tx) =>
          (
            await tx.query(
              `UPDATE callback_deliveries SET state = 'pending', next_at = $1, attempts = 0, updated_at = $2
               WHERE ${where.join(' AND ')} RETURNING id`,
              args,
            )
          ).length,
      );
    },
  };
}
