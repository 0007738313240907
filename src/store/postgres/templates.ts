/** Stored templates: every change is a new version; sends name a version or take the newest. */

import type { TemplateRepository } from '../../core/ports/store.ts';
import { type TemplateRow, toTemplate } from '../rows/templates.ts';
import type { PgDatabase } from './database.ts';

export function createTemplateRepository(db: PgDatabase): TemplateRepository {
  return {
    add(t, at) {
      return db.tenant(t.tenantId, async (tx) => {
        // Two processes adding a version of one template at once must not both pick the same
        // number: they take turns on a lock named after the template (held until commit).
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
          `template:${t.tenantId}`,
          t.name,
        ]);
        const [row] = await tx.query<{ version: number }>(
          `INSERT INTO templates (tenant_id, name, version, description, parameters, variants, created_at)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6 FROM templates WHERE tenant_id = $1 AND name = $2
           RETURNING version`,
          [
            t.tenantId,
            t.name,
            t.description ?? null,
            JSON.stringify(t.parameters),
            JSON.stringify(t.variants),
            at,
          ],
        );
        return { ...t, version: row!.version, createdAt: at };
      });
    },
    get(tenantId, name, version) {
      return db.tenant(tenantId, async (tx) => {
        const [row] =
          version === undefined
            ? await tx.query<TemplateRow>(
                'SELECT * FROM templates WHERE tenant_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1',
                [tenantId, name],
              )
            : await tx.query<TemplateRow>(
                'SELECT * FROM templates WHERE tenant_id = $1 AND name = $2 AND version = $3',
                [tenantId, name, version],
              );
        return row ? toTemplate(row) : undefined;
      });
    },
    list(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<TemplateRow>(
            'SELECT DISTINCT ON (name) * FROM templates WHERE tenant_id = $1 ORDER BY name, version DESC',
            [tenantId],
          )
        ).map(toTemplate),
      );
    },
    delete(tenantId, name) {
      return db.tenant(
        tenantId,
        async (tx) =>
          (
            await tx.query('DELETE FROM templates WHERE tenant_id = $1 AND name = $2 RETURNING version', [
              tenantId,
              name,
            ])
          ).length > 0,
      );
    },
  };
}
