/**
 * Contacts and their channel identities. An identity belongs to one contact per tenant (the
 * primary key of contact_identities), so a clash is found by the insert itself, which also holds
 * when two processes write the same identity at once; it is reported as the index of the identity
 * that clashed, and the whole write is rolled back.
 */

import type { Contact, ContactIdentity, ContactRepository } from '../../core/ports/store.ts';
import {
  ANY_ACCOUNT,
  type ContactRow,
  type IdentityRow,
  toContact,
  updatedContactColumns,
} from '../rows/contacts.ts';
import type { PgDatabase, Tx } from './database.ts';

/** An identity with the contact that holds it. */
interface HeldIdentityRow extends IdentityRow {
  contact_id: string;
}

/** Reads contacts with their identities: two statements however many contacts. */
async function withIdentities(tx: Tx, tenantId: string, rows: ContactRow[]): Promise<Contact[]> {
  if (rows.length === 0) return [];
  const identities = await tx.query<HeldIdentityRow>(
    `SELECT contact_id, channel, channel_account_id, address FROM contact_identities
     WHERE tenant_id = $1 AND contact_id = ANY($2::text[]) ORDER BY created_at, channel, address`,
    [tenantId, rows.map((r) => r.id)],
  );
  return rows.map((r) =>
    toContact(
      r,
      identities.filter((i) => i.contact_id === r.id),
    ),
  );
}

const selectContact = async (tx: Tx, tenantId: string, id: string, lock = false) =>
  (
    await tx.query<ContactRow>(
      `SELECT * FROM contacts WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    )
  )[0];

/** The contact an address belongs to: scoped to this account first, then channel-wide. */
async function ownerOf(
  tx: Tx,
  tenantId: string,
  channel: string,
  accountId: string,
  address: string,
): Promise<string | undefined> {
  const [row] = await tx.query<{ contact_id: string }>(
    `SELECT contact_id FROM contact_identities
     WHERE tenant_id = $1 AND channel = $2 AND channel_account_id IN ($3, '') AND address = $4
     ORDER BY channel_account_id = '' LIMIT 1`,
    [tenantId, channel, accountId, address],
  );
  return row?.contact_id;
}

/** Inserts identities; returns the index of the first one another contact holds, if any. */
async function writeIdentities(
  tx: Tx,
  tenantId: string,
  contactId: string,
  identities: ContactIdentity[],
  at: string,
): Promise<number | undefined> {
  if (identities.length === 0) return undefined;
  const accounts = identities.map((i) => i.channelAccountId ?? ANY_ACCOUNT);
  const inserted = await tx.query<IdentityRow>(
    `INSERT INTO contact_identities (tenant_id, channel, channel_account_id, address, contact_id, created_at)
     SELECT $1, i.channel, i.account, i.address, $2, $3
     FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS i(channel, account, address, n)
     ORDER BY i.n
     ON CONFLICT DO NOTHING RETURNING channel, channel_account_id, address`,
    [tenantId, contactId, at, identities.map((i) => i.channel), accounts, identities.map((i) => i.address)],
  );
  if (inserted.length === identities.length) return undefined;
  // Those not inserted are held already: by this contact (listed twice) or by another one. A
  // statement of its own sees holders that committed while the insert waited for them.
  const key = (channel: string, account: string, address: string) =>
    JSON.stringify([channel, account, address]);
  const written = new Set(inserted.map((r) => key(r.channel, r.channel_account_id, r.address)));
  const holders = await tx.query<HeldIdentityRow>(
    `SELECT h.contact_id, h.channel, h.channel_account_id, h.address FROM contact_identities h
     JOIN unnest($2::text[], $3::text[], $4::text[]) AS i(channel, account, address)
       ON h.channel = i.channel AND h.channel_account_id = i.account AND h.address = i.address
     WHERE h.tenant_id = $1`,
    [tenantId, identities.map((i) => i.channel), accounts, identities.map((i) => i.address)],
  );
  const holder = new Map(holders.map((h) => [key(h.channel, h.channel_account_id, h.address), h.contact_id]));
  const clash = identities.findIndex((identity, i) => {
    const k = key(identity.channel, accounts[i]!, identity.address);
    return !written.has(k) && holder.get(k) !== contactId;
  });
  return clash === -1 ? undefined : clash;
}

export function createContactRepository(db: PgDatabase): ContactRepository {
  return {
    create(tenantId, c, at) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO contacts (id, tenant_id, name, attributes, locale, time_zone, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
          [
            c.id,
            tenantId,
            c.name ?? null,
            JSON.stringify(c.attributes),
            c.locale ?? null,
            c.timeZone ?? null,
            at,
          ],
        );
        const conflict = await writeIdentities(tx, tenantId, c.id, c.identities, at);
        if (conflict === undefined) return {};
        tx.discard();
        return { conflict };
      });
    },
    get(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectContact(tx, tenantId, id);
        return row ? (await withIdentities(tx, tenantId, [row]))[0] : undefined;
      });
    },
    list(tenantId, page) {
      return db.tenant(tenantId, async (tx) => {
        const rows = page.beforeId
          ? await tx.query<ContactRow>(
              'SELECT * FROM contacts WHERE tenant_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
              [tenantId, page.beforeId, page.limit],
            )
          : await tx.query<ContactRow>(
              'SELECT * FROM contacts WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2',
              [tenantId, page.limit],
            );
        return withIdentities(tx, tenantId, rows);
      });
    },
    update(tenantId, id, change, at) {
      return db.tenant(tenantId, async (tx): Promise<{ contact?: Contact; conflict?: number }> => {
        const row = await selectContact(tx, tenantId, id, true);
        if (!row) return {};
        const columns = updatedContactColumns(row, change);
        const [updated] = await tx.query<ContactRow>(
          `UPDATE contacts SET name = $1, attributes = $2, locale = $3, time_zone = $4, updated_at = $5
           WHERE tenant_id = $6 AND id = $7 RETURNING *`,
          [columns.name, columns.attributes, columns.locale, columns.time_zone, at, tenantId, id],
        );
        if (change.identities) {
          await tx.query('DELETE FROM contact_identities WHERE tenant_id = $1 AND contact_id = $2', [
            tenantId,
            id,
          ]);
          const conflict = await writeIdentities(tx, tenantId, id, change.identities, at);
          if (conflict !== undefined) {
            tx.discard();
            return { conflict };
          }
        }
        return { contact: (await withIdentities(tx, tenantId, [updated!]))[0]! };
      });
    },
    delete(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query('DELETE FROM contact_identities WHERE tenant_id = $1 AND contact_id = $2', [
          tenantId,
          id,
        ]);
        return (
          (
            await tx.query('DELETE FROM contacts WHERE tenant_id = $1 AND id = $2 RETURNING id', [
              tenantId,
              id,
            ])
          ).length > 0
        );
      });
    },
    contactFor(tenantId, channel, channelAccountId, address) {
      return db.tenant(tenantId, (tx) => ownerOf(tx, tenantId, channel, channelAccountId, address));
    },
    addressFor(tenantId, contactId, channel, channelAccountId) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<{ address: string }>(
          `SELECT address FROM contact_identities
           WHERE tenant_id = $1 AND contact_id = $2 AND channel = $3 AND channel_account_id IN ($4, '')
           ORDER BY channel_account_id DESC, created_at LIMIT 1`,
          [tenantId, contactId, channel, channelAccountId],
        );
        return row?.address;
      });
    },
    resolveInbound(tenantId, identity, newId, at) {
      return db.tenant(tenantId, async (tx) => {
        const known = await ownerOf(
          tx,
          tenantId,
          identity.channel,
          identity.channelAccountId,
          identity.address,
        );
        if (known !== undefined) return known;
        await tx.query(
          `INSERT INTO contacts (id, tenant_id, name, attributes, locale, time_zone, created_at, updated_at)
           VALUES ($1, $2, NULL, '{}', NULL, NULL, $3, $3)`,
          [newId, tenantId, at],
        );
        const clash = await writeIdentities(tx, tenantId, newId, [identity], at);
        if (clash === undefined) return newId;
        // The same person wrote in through another process a moment ago: theirs is the contact.
        tx.discard();
        return (await ownerOf(tx, tenantId, identity.channel, identity.channelAccountId, identity.address))!;
      });
    },
  };
}
