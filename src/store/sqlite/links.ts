/** Smart links: stored targets, per-recipient short codes with a validity, and their clicks. */

import type { LinkRepository } from '../../core/ports/store.ts';
import { type LinkClickRow, type LinkCodeRow, type LinkRow, toLink, toLinkClick } from '../rows/links.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';
import type { ClickRecorder } from './messages.ts';

export function createLinkRepository(
  db: Db,
  writer: GroupCommitter,
  recordClicked: ClickRecorder,
): LinkRepository {
  const prepare = statementCache(db);
  return {
    create(link) {
      return writer.run(() => {
        prepare('INSERT INTO links (id, tenant_id, url, name, created_at) VALUES (?, ?, ?, ?, ?)').run(
          link.id,
          link.tenantId,
          link.url,
          link.name ?? null,
          link.createdAt,
        );
      });
    },
    async get(tenantId, id) {
      const row = prepare('SELECT * FROM links WHERE tenant_id = ? AND id = ?').get(tenantId, id) as
        | LinkRow
        | undefined;
      return row ? toLink(row) : undefined;
    },
    async list(tenantId) {
      return (
        prepare('SELECT * FROM links WHERE tenant_id = ? ORDER BY id DESC').all(tenantId) as LinkRow[]
      ).map(toLink);
    },
    async clicks(tenantId, linkId) {
      const rows = prepare(
        'SELECT code, message_id, recipient, at, user_agent FROM link_clicks WHERE tenant_id = ? AND link_id = ? ORDER BY at',
      ).all(tenantId, linkId) as LinkClickRow[];
      return rows.map(toLinkClick);
    },
    click(code, at, userAgent) {
      return writer.run(() => {
        const row = prepare('SELECT * FROM link_codes WHERE code = ?').get(code) as LinkCodeRow | undefined;
        if (!row) return undefined;
        if (row.expires_at <= at) return 'expired' as const;
        prepare(
          'INSERT INTO link_clicks (code, tenant_id, link_id, message_id, recipient, at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(code, row.tenant_id, row.link_id, row.message_id, row.recipient, at, userAgent ?? null);
        recordClicked(row.tenant_id, row.message_id, { linkId: row.link_id, url: row.url }, at);
        return { url: row.url };
      });
    },
  };
}
