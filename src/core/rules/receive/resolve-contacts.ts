/**
 * Whoever writes in is a contact: known by this identity on the account, or new. Only senders of
 * messages and postbacks count (a receipt's recipient is someone we wrote to).
 */
import { newId } from '../../../lib/ids.ts';
import type { ContactRepository } from '../../ports/store.ts';
import type { InboundEvent } from '../../vocabulary/channel.ts';
import type { Recording } from './context.ts';

export type ResolveContactsInput = Pick<Recording, 'account' | 'events' | 'receivedAt' | 'contactIds'> & {
  readonly store: { readonly contacts: Pick<ContactRepository, 'resolveInbound'> };
};

export async function resolveContacts(webhook: ResolveContactsInput): Promise<void> {
  const { store, account, receivedAt } = webhook;
  // Issued together, so the writes share one group commit.
  webhook.contactIds = new Map(
    await Promise.all(
      [...firstEventBySender(webhook.events).keys()].map(
        async (from) =>
          [
            from,
            await store.contacts.resolveInbound(
              account.tenantId,
              { channel: account.channel, channelAccountId: account.id, address: from },
              newId('ct'),
              receivedAt,
            ),
          ] as const,
      ),
    ),
  );
}

/** Each sender's first message or postback, in the order the senders first appear. */
function firstEventBySender(
  events: readonly InboundEvent[],
): Map<string, Extract<InboundEvent, { kind: 'message' | 'postback' }>> {
  const first = new Map<string, Extract<InboundEvent, { kind: 'message' | 'postback' }>>();
  for (const e of events) {
    if ((e.kind === 'message' || e.kind === 'postback') && !first.has(e.from)) first.set(e.from, e);
  }
  return first;
}
