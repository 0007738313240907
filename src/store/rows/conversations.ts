/** Conversation rows and their events as both adapters read them. */
import type { Conversation, ConversationEvent } from '../../core/ports/store.ts';

export interface ConversationRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  channel: string;
  channel_account_id: string;
  address: string;
  state: 'open' | 'closed';
  owner: 'bot' | 'agent' | null;
  agent_id: string | null;
  last_inbound_at: string | null;
  seq: number;
  created_at: string;
  updated_at: string;
}

export interface ConversationEventRow {
  type: string;
  at: string;
  detail: string | null;
}

export const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  tenantId: r.tenant_id,
  contactId: r.contact_id,
  channel: r.channel,
  channelAccountId: r.channel_account_id,
  address: r.address,
  state: r.state,
  ...(r.owner !== null ? { owner: r.owner } : {}),
  ...(r.agent_id !== null ? { agentId: r.agent_id } : {}),
  ...(r.last_inbound_at !== null ? { lastInboundAt: r.last_inbound_at } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toConversationEvent = (e: ConversationEventRow): ConversationEvent => ({
  type: e.type,
  at: e.at,
  ...(e.detail ? { detail: JSON.parse(e.detail) } : {}),
});
