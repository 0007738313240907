/** Smart-link rows (links, their per-recipient codes and clicks) as both adapters read them. */
import type { Link, LinkClick } from '../../core/ports/store.ts';

export interface LinkRow {
  id: string;
  tenant_id: string;
  url: string;
  name: string | null;
  created_at: string;
}

/** A per-recipient short code, as a click looks it up. */
export interface LinkCodeRow {
  tenant_id: string;
  link_id: string;
  message_id: string;
  recipient: string;
  url: string;
  expires_at: string;
}

export interface LinkClickRow {
  code: string;
  message_id: string;
  recipient: string;
  at: string;
  user_agent: string | null;
}

export const toLink = (r: LinkRow): Link => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  ...(r.name !== null ? { name: r.name } : {}),
  createdAt: r.created_at,
});

export const toLinkClick = (r: LinkClickRow): LinkClick => ({
  code: r.code,
  messageId: r.message_id,
  recipient: r.recipient,
  at: r.at,
  ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
});
