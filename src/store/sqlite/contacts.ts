/**
 * Contacts and their channel identities. An identity belongs to one contact per tenant (the
 * primary key of contact_identities), so a clash is a constraint violation, reported as the index
 * of the identity that clashed.
 */

import type { Contact, ContactIdentity, ContactRepository } from '../../core/ports/store.ts';
import {
  ANY_ACCOUNT,
  type ContactRow,
  type IdentityRow,
  toContact,
  updatedContactColumns,
} from '../rows/contacts.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createContactRepository(db: Db, writer: GroupCommitter): ContactRepository {
  const prepare = statementCache(db);
  const selectContact = prepare('SELECT * FROM contacts WHERE tenant_id = ? AND id = ?');
  const selectIdentities = prepare(
    'SELECT channel, channel_account_id, address FROM contact_identities WHERE contact_id = ? ORDER BY created_at, channel, address',
  );
  const insertIdentity = prepare(
    `INSERT INTO contact_identities (tenant_id, channel, channel_account_id, address, contact_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const selectOwner = prepare(
    'SELECT contact_id FROM contact_identities WHERE tenant_id = ? AND channel = ? AND channel_account_id = ? AND address = ?',
  );

  const withIdentities = (r: ContactRow): Contact =>
    toContact(r, selectIdentities.all(r.id) as IdentityRow[]);

  /** The contact an address belongs to: scoped to this account first, then channel-wide. */
  const ownerOf = (
    tenantId: string,
    channel: string,
    accountId: string,
    address: string,
  ): string | undefined => {
    for (const account of [accountId, ANY_ACCOUNT]) {
      const owner = selectOwner.get(tenantId, channel, account, address) as
        | { contact_id: string }
        | undefined;
      if (owner) return owner.contact_id;
    }
    return undefined;
  };

  /** Inserts identities; returns the index of the first one another contact holds, if any. */
  const writeIdentities = (
    tenantId: string,
    contactId: string,
    identities: ContactIdentity[],
    at: string,
  ) => {
    for (const [i, identity] of identities.entries()) {
      const account = identity.channelAccountId ?? ANY_ACCOUNT;
      const owner = selectOwner.get(tenantId, identity.channel, account, identity.address) as
        | { contact_id: string }
        | undefined;
      if (owner && owner.contact_id !== contactId) return i;
      if (!owner) insertIdentity.run(tenantId, identity.channel, account, identity.address, contactId, at);
    }
    return undefined;
  };

  /** Runs `work` in a savepoint that is rolled back when it reports a conflict: no half-written contact. */
  const atomically = <T extends { conflict?: number }>(work: () => T): T => {
    db.exec('SAVEPOINT contact_write');
    try {
      const result = work();
      db.exec(
        result.conflict === undefined
          ? 'RELEASE contact_write'
          : 'ROLLBACK TO contact_write; RELEASE contact_write',
      );
      return result;
    } catch (error) {
      db.exec('ROLLBACK TO contact_write; RELEASE contact_write');
      throw error;
    }
  };

  return {
    create(tenantId, c, at) {
      return writer.run(() =>
        atomically(() => {
          prepare(
            `INSERT INTO contacts (id, tenant_id, name, attributes, locale, time_zone, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            c.id,
            tenantId,
            c.name ?? null,
            JSON.stringify(c.attributes),
            c.locale ?? null,
            c.timeZone ?? null,
            at,
            at,
          );
          const conflict = writeIdentities(tenantId, c.id, c.identities, at);
          return conflict === undefined ? {} : { conflict };
        }),
      );
    },
    async get(tenantId, id) {
      const row = selectContact.get(tenantId, id) as ContactRow | undefined;
      return row ? withIdentities(row) : undefined;
    },
    async list(tenantId, page) {
      const rows = (
        page.beforeId
          ? prepare('SELECT * FROM contacts WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?').all(
              tenantId,
              page.beforeId,
              page.limit,
            )
          : prepare('SELECT * FROM contacts WHERE tenant_id = ? ORDER BY id DESC LIMIT ?').all(
              tenantId,
              page.limit,
            )
      ) as ContactRow[];
      return rows.map(withIdentities);
    },
    update(tenantId, id, change, at) {
      return writer.run(() =>
        atomically((): { contact?: Contact; conflict?: number } => {
          const row = selectContact.get(tenantId, id) as ContactRow | undefined;
          if (!row) return {};
          const columns = updatedContactColumns(row, change);
          prepare(
            'UPDATE contacts SET name = ?, attributes = ?, locale = ?, time_zone = ?, updated_at = ? WHERE id = ?',
          ).run(columns.name, columns.attributes, columns.locale, columns.time_zone, at, id);
          if (change.identities) {
            prepare('DELETE FROM contact_identities WHERE contact_id = ?').run(id);
            const conflict = writeIdentities(tenantId, id, change.identities, at);
            if (conflict !== undefined) return { conflict };
          }
          return { contact: withIdentities(selectContact.get(tenantId, id) as ContactRow) };
        }),
      );
    },
    delete(tenantId, id) {
      return writer.run(() => {
        prepare('DELETE FROM contact_identities WHERE tenant_id = ? AND contact_id = ?').run(tenantId, id);
        return prepare('DELETE FROM contacts WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes > 0;
      });
    },
    async contactFor(tenantId, channel, channelAccountId, address) {
      return ownerOf(tenantId, channel, channelAccountId, address);
    },
    async addressFor(tenantId, contactId, channel, channelAccountId) {
      const row = prepare(
        `SELECT address FROM contact_identities
         WHERE tenant_id = ? AND contact_id = ? AND channel = ? AND channel_account_id IN (?, '')
         ORDER BY channel_account_id DESC, created_at LIMIT 1`,
      ).get(tenantId, contactId, channel, channelAccountId) as { address: string } | undefined;
      return row?.address;
    },
    resolveInbound(tenantId, identity, newId, at) {
      return writer.run(() => {
        const known = ownerOf(tenantId, identity.channel, identity.channelAccountId, identity.address);
        if (known !== undefined) return known;
        prepare(
          `INSERT INTO contacts (id, tenant_id, name, attributes, locale, time_zone, created_at, updated_at)
           VALUES (?, ?, NULL, '{}', NULL, NULL, ?, ?)`,
        ).run(newId, tenantId, at, at);
        insertIdentity.run(
          tenantId,
          identity.channel,
          identity.channelAccountId,
          identity.address,
          newId,
          at,
        );
        return newId;
      });
    },
  };
}
