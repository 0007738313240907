/** Consent per contact, channel and purpose; frequency caps per group, counted on messages. */

import type { PolicyRepository } from '../../core/ports/store.ts';
import { type CapRow, type ConsentRow, toCap, toConsent } from '../rows/policy.ts';
import type { PgDatabase } from './database.ts';

export function createPolicyRepository(db: PgDatabase): PolicyRepository {
  return {
    setConsent(tenantId, contactId, c, options = {}) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO consents (tenant_id, contact_id, channel, purpose, status, source, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (tenant_id, contact_id, channel, purpose) DO UPDATE SET status = excluded.status,
             source = excluded.source, updated_at = excluded.updated_at
           ${options.unlessNewer ? 'WHERE consents.updated_at <= excluded.updated_at' : ''}`,
          [tenantId, contactId, c.channel, c.purpose, c.status, c.source, c.updatedAt],
        );
      });
    },
    consents(tenantId, contactId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<ConsentRow>(
            'SELECT * FROM consents WHERE tenant_id = $1 AND contact_id = $2 ORDER BY channel, purpose',
            [tenantId, contactId],
          )
        ).map(toConsent),
      );
    },
    consentFor(tenantId, contactId, channel, purpose) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<ConsentRow>(
          `SELECT * FROM consents WHERE tenant_id = $1 AND contact_id = $2 AND purpose = $3 AND channel IN ($4, '*')
           ORDER BY channel = '*' LIMIT 1`,
          [tenantId, contactId, purpose, channel],
        );
        return row ? toConsent(row) : undefined;
      });
    },
    setCap(tenantId, cap) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO frequency_caps (tenant_id, grp, per_day, per_week, per_month) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, grp) DO UPDATE SET per_day = excluded.per_day, per_week = excluded.per_week,
             per_month = excluded.per_month`,
          [tenantId, cap.group, cap.perDay ?? null, cap.perWeek ?? null, cap.perMonth ?? null],
        );
      });
    },
    getCap(tenantId, group) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<CapRow>(
          'SELECT * FROM frequency_caps WHERE tenant_id = $1 AND grp = $2',
          [tenantId, group],
        );
        return row ? toCap(row) : undefined;
      });
    },
    listCaps(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<CapRow>('SELECT * FROM frequency_caps WHERE tenant_id = $1 ORDER BY grp', [tenantId])
        ).map(toCap),
      );
    },
    async countInGroup(tenantId, contactId, group, since) {
      if (since.length === 0) return [];
      // One scan back to the earliest instant, counting each window on the way.
      const counts = since.map((_, i) => `count(*) FILTER (WHERE created_at >= $${i + 5})::int AS n${i}`);
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<Record<string, number>>(
          `SELECT ${counts.join(', ')} FROM messages
           WHERE tenant_id = $1 AND contact_id = $2 AND policy_group = $3 AND created_at >= $4 AND status <> 'rejected'`,
          [tenantId, contactId, group, since.reduce((a, b) => (a < b ? a : b)), ...since],
        );
        return since.map((_, i) => row?.[`n${i}`] ?? 0);
      });
    },
  };
}
