/** Channel-account rows as both adapters read them; credentials stay sealed until asked for. */

import type { ChannelAccount, ChannelAccountWithSecrets } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { type Flag, flag } from './columns.ts';

export interface AccountRow {
  id: string;
  tenant_id: string;
  channel: string;
  name: string;
  sandbox: Flag;
  credentials_enc: string;
  limits: string | null;
  app_id: string | null;
  created_at: string;
}

export const toAccount = (r: AccountRow): ChannelAccount => ({
  id: r.id,
  tenantId: r.tenant_id,
  channel: r.channel,
  name: r.name,
  sandbox: flag(r.sandbox),
  ...(r.limits ? { limits: JSON.parse(r.limits) } : {}),
  ...(r.app_id !== null && r.app_id !== undefined ? { appId: r.app_id } : {}),
  createdAt: r.created_at,
});

export const toAccountWithSecrets = (r: AccountRow, box: SecretBox): ChannelAccountWithSecrets => ({
  ...toAccount(r),
  credentials: JSON.parse(box.open(r.credentials_enc)),
});

/** What `create` answers: the account as written, without its credentials. */
export const createdAccount = (
  tenantId: string,
  a: Omit<ChannelAccountWithSecrets, 'tenantId' | 'createdAt'>,
  createdAt: string,
): ChannelAccount => ({
  id: a.id,
  tenantId,
  channel: a.channel,
  name: a.name,
  sandbox: a.sandbox,
  ...(a.limits ? { limits: a.limits } : {}),
  ...(a.appId !== undefined ? { appId: a.appId } : {}),
  createdAt,
});
