/** Inbound-event rows as both adapters read them. */
import type { StoredInbound } from '../../core/ports/store.ts';

export interface InboundRow {
  id: string;
  channel_account_id: string;
  provider_event_id: string | null;
  kind: string;
  sender: string | null;
  event: string;
  received_at: string;
}

export const toInbound = (r: InboundRow): StoredInbound => ({
  id: r.id,
  channelAccountId: r.channel_account_id,
  providerEventId: r.provider_event_id ?? undefined,
  kind: r.kind,
  from: r.sender ?? undefined,
  event: JSON.parse(r.event),
  receivedAt: r.received_at,
});
