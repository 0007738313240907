/** Consent per contact, channel and purpose; frequency caps per group, counted on messages. */

import type { PolicyRepository } from '../../core/ports/store.ts';
import { type CapRow, type ConsentRow, toCap, toConsent } from '../rows/policy.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createPolicyRepository(db: Db, writer: GroupCommitter): PolicyRepository {
  const prepare = statementCache(db);
  return {
    setConsent(tenantId, contactId, c, options = {}) {
      return writer.run(() => {
        prepare(
          `INSERT INTO consents (tenant_id, contact_id, channel, purpose, status, source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, contact_id, channel, purpose) DO UPDATE SET status = excluded.status,
             source = excluded.source, updated_at = excluded.updated_at
           ${options.unlessNewer ? 'WHERE consents.updated_at <= excluded.updated_at' : ''}`,
        ).run(tenantId, contactId, c.channel, c.purpose, c.status, c.source, c.updatedAt);
      });
    },
    async consents(tenantId, contactId) {
      return (
        prepare(
          'SELECT * FROM consents WHERE tenant_id = ? AND contact_id = ? ORDER BY channel, purpose',
        ).all(tenantId, contactId) as ConsentRow[]
      ).map(toConsent);
    },
    async consentFor(tenantId, contactId, channel, purpose) {
      const row = prepare(
        `SELECT * FROM consents WHERE tenant_id = ? AND contact_id = ? AND purpose = ? AND channel IN (?, '*')
         ORDER BY channel = '*' LIMIT 1`,
      ).get(tenantId, contactId, purpose, channel) as ConsentRow | undefined;
      return row ? toConsent(row) : undefined;
    },
    setCap(tenantId, cap) {
      return writer.run(() => {
        prepare(
          `INSERT INTO frequency_caps (tenant_id, grp, per_day, per_week, per_month) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, grp) DO UPDATE SET per_day = excluded.per_day, per_week = excluded.per_week,
             per_month = excluded.per_month`,
        ).run(tenantId, cap.group, cap.perDay ?? null, cap.perWeek ?? null, cap.perMonth ?? null);
      });
    },
    async getCap(tenantId, group) {
      const row = prepare('SELECT * FROM frequency_caps WHERE tenant_id = ? AND grp = ?').get(
        tenantId,
        group,
      ) as CapRow | undefined;
      return row ? toCap(row) : undefined;
    },
    async listCaps(tenantId) {
      return (
        prepare('SELECT * FROM frequency_caps WHERE tenant_id = ? ORDER BY grp').all(tenantId) as CapRow[]
      ).map(toCap);
    },
    async countInGroup(tenantId, contactId, group, since) {
      if (since.length === 0) return [];
      // One scan back to the earliest instant, counting each window on the way.
      const sums = since.map(() => 'sum(created_at >= ?)').join(', ');
      const row = prepare(
        `SELECT ${sums} FROM messages WHERE contact_id = ? AND policy_group = ? AND created_at >= ? AND tenant_id = ?
           AND status <> 'rejected'`,
      )
        .raw()
        .get(
          ...since,
          contactId,
          group,
          since.reduce((a, b) => (a < b ? a : b)),
          tenantId,
        ) as Array<number | null>;
      return row.map((n) => n ?? 0);
    },
  };
}
