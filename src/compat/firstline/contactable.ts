/**
 * FIRST LINE's `contactable_type` / `contactable_id` as a native channel, account and recipient.
 */
import type { ConnectorRegistry, Store } from '../../core/index.ts';
import { FirstLineError } from './errors.ts';
import type { ContactableType } from './schema.ts';

/** The channel behind each contact class. Live chat is a channel Omnigate does not have yet. */
const CHANNELS: Record<ContactableType, string> = {
  'App\\LivechatContact': 'livechat',
  'App\\LineContact': 'line',
  'App\\FbContact': 'messenger',
  'App\\IgContact': 'instagram',
  'App\\TelegramContact': 'telegram',
  'App\\ViberContact': 'viber',
  'App\\WechatContact': 'wechat',
};

/** The channel to send on; refused in FIRST LINE's shape when this gateway has no such channel. */
export function channelOf(type: ContactableType, connectors: ConnectorRegistry): string {
  const channel = CHANNELS[type];
  if (connectors[channel] === undefined) {
    throw FirstLineError.invalid({
      contactable_type: [
        `Sending to ${type} is not supported yet: this gateway has no ${channel === 'livechat' ? 'live chat' : channel} channel.`,
      ],
    });
  }
  return channel;
}

export interface Recipient {
  /** The channel account: the tenant's default one for the channel, if it has one. */
  from?: string;
  to: string | { contactId: string };
}

/**
 * Who `contactable_id` is, in this order:
 * 1. a contact with that id as its `firstline` identity: sent to the contact (its identity on the
 *    channel is looked up by the send, and the message records the contact);
 * 2. a contact whose identity on this channel and account is that id: sent to the contact too,
 *    which reaches the same address and records the contact;
 * 3. otherwise the id is the channel address itself (FIRST LINE passes the person's id on the
 *    social network), checked by the channel as any address is.
 */
export async function recipientOf(
  store: Store,
  tenantId: string,
  channel: string,
  contactableId: string,
): Promise<Recipient> {
  const account = await store.channelAccounts.defaultFor(tenantId, channel);
  // Without an account the send refuses with its own error; nothing to resolve against.
  if (!account) return { to: contactableId };
  const from = account.id;
  const byFirstLineId = await store.contacts.contactFor(tenantId, 'firstline', from, contactableId);
  if (byFirstLineId !== undefined) return { from, to: { contactId: byFirstLineId } };
  const byAddress = await store.contacts.contactFor(tenantId, channel, from, contactableId);
  // A contact's identity scoped to this account is preferred by the send over a channel-wide one;
  // addressing the contact is only the same person when it resolves back to this very address.
  if (
    byAddress !== undefined &&
    (await store.contacts.addressFor(tenantId, byAddress, channel, from)) === contactableId
  ) {
    return { from, to: { contactId: byAddress } };
  }
  return { from, to: contactableId };
}
