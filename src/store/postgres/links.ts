/** Smart links: stored targets, per-recipient short codes with a validity, and their clicks. */

import type { LinkRepository } from '../../core/ports/store.ts';
import { type LinkClickRow, type LinkCodeRow, type LinkRow, toLink, toLinkClick } from '../rows/links.ts';
import type { PgDatabase } from './database.ts';
import type { ClickRecorder } from './messages.ts';

export function createLinkRepository(db: PgDatabase, recordClicked: ClickRecorder): LinkRepository {
  return {
    create(link) {
      return db.tenant(link.tenantId, async (tx) => {
        await tx.query(
          'INSERT INTO links (id, tenant_id, url, name, created_at) VALUES ($1, $2, $3, $4, $5)',
          [link.id, link.tenantId, link.url, link.name ?? null, link.createdAt],
        );
      });
    },
    get(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<LinkRow>('SELECT * FROM links WHERE tenant_id = $1 AND id = $2', [
          tenantId,
          id,
        ]);
        return row ? toLink(row) : undefined;
      });
    },
    list(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<LinkRow>('SELECT * FROM links WHERE tenant_id = $1 ORDER BY id DESC', [tenantId])
        ).map(toLink),
      );
    },
    clicks(tenantId, linkId) {
      return db.tenant(tenantId, async (tx) => {
        const rows = await tx.query<LinkClickRow>(
          'SELECT code, message_id, recipient, at, user_agent FROM link_clicks WHERE tenant_id = $1 AND link_id = $2 ORDER BY at',
          [tenantId, linkId],
        );
        return rows.map(toLinkClick);
      });
    },
    click(code, at, userAgent) {
      // A short link is followed without an API key: the router role may learn which tenant the
      // code belongs to, and the click is then recorded as that tenant.
      return db.router(async (tx) => {
        const [owner] = await tx.query<{ tenant_id: string }>(
          'SELECT tenant_id FROM link_codes WHERE code = $1',
          [code],
        );
        if (!owner) return undefined;
        await tx.asTenant(owner.tenant_id);
        const [row] = await tx.query<LinkCodeRow>(
          'SELECT tenant_id, link_id, message_id, recipient, url, expires_at FROM link_codes WHERE code = $1',
          [code],
        );
        if (!row) return undefined;
        if (row.expires_at <= at) return 'expired' as const;
        await tx.query(
          `INSERT INTO link_clicks (code, tenant_id, link_id, message_id, recipient, at, user_agent)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [code, row.tenant_id, row.link_id, row.message_id, row.recipient, at, userAgent ?? null],
        );
        await recordClicked(tx, row.tenant_id, row.message_id, { linkId: row.link_id, url: row.url }, at);
        return { url: row.url };
      });
    },
  };
}
