/** Stored templates: every change is a new version; sends name a version or take the newest. */

import type { TemplateRepository } from '../../core/ports/store.ts';
import { type TemplateRow, toTemplate } from '../rows/templates.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createTemplateRepository(db: Db, writer: GroupCommitter): TemplateRepository {
  const prepare = statementCache(db);
  const newest = prepare(
    'SELECT * FROM templates WHERE tenant_id = ? AND name = ? ORDER BY version DESC LIMIT 1',
  );
  return {
    add(t, at) {
      return writer.run(() => {
        const last = newest.get(t.tenantId, t.name) as TemplateRow | undefined;
        const version = (last?.version ?? 0) + 1;
        prepare(
          `INSERT INTO templates (tenant_id, name, version, description, parameters, variants, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          t.tenantId,
          t.name,
          version,
          t.description ?? null,
          JSON.stringify(t.parameters),
          JSON.stringify(t.variants),
          at,
        );
        return { ...t, version, createdAt: at };
      });
    },
    async get(tenantId, name, version) {
      const row = (
        version === undefined
          ? newest.get(tenantId, name)
          : prepare('SELECT * FROM templates WHERE tenant_id = ? AND name = ? AND version = ?').get(
              tenantId,
              name,
              version,
            )
      ) as TemplateRow | undefined;
      return row ? toTemplate(row) : undefined;
    },
    async list(tenantId) {
      const rows = prepare(
        `SELECT t.* FROM templates t
         WHERE t.tenant_id = ? AND t.version = (SELECT max(version) FROM templates u WHERE u.tenant_id = t.tenant_id AND u.name = t.name)
         ORDER BY t.name`,
      ).all(tenantId) as TemplateRow[];
      return rows.map(toTemplate);
    },
    delete(tenantId, name) {
      return writer.run(
        () =>
          prepare('DELETE FROM templates WHERE tenant_id = ? AND name = ?').run(tenantId, name).changes > 0,
      );
    },
  };
}
