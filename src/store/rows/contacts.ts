/** Contact rows and their channel identities as both adapters read and rewrite them. */
import type { Contact, ContactIdentity, ContactWrite } from '../../core/ports/store.ts';

export interface ContactRow {
  id: string;
  tenant_id: string;
  name: string | null;
  attributes: string | null;
  locale: string | null;
  time_zone: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdentityRow {
  channel: string;
  channel_account_id: string;
  address: string;
}

/** An identity that holds for every account of its channel is stored with this account id. */
export const ANY_ACCOUNT = '';

const toIdentity = (i: IdentityRow): ContactIdentity => ({
  channel: i.channel,
  address: i.address,
  ...(i.channel_account_id !== ANY_ACCOUNT ? { channelAccountId: i.channel_account_id } : {}),
});

/** A contact with its identities (read separately, in the order they should be listed). */
export const toContact = (r: ContactRow, identities: readonly IdentityRow[]): Contact => ({
  id: r.id,
  tenantId: r.tenant_id,
  ...(r.name !== null ? { name: r.name } : {}),
  attributes: r.attributes ? JSON.parse(r.attributes) : {},
  ...(r.locale !== null ? { locale: r.locale } : {}),
  ...(r.time_zone !== null ? { timeZone: r.time_zone } : {}),
  identities: identities.map(toIdentity),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns an update writes: what the change gives, the stored value for the rest. */
export const updatedContactColumns = (row: ContactRow, change: Partial<Omit<ContactWrite, 'id'>>) => ({
  name: change.name ?? row.name,
  attributes: change.attributes ? JSON.stringify(change.attributes) : row.attributes,
  locale: change.locale ?? row.locale,
  time_zone: change.timeZone ?? row.time_zone,
});
