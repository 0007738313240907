/**
 * Each sender is in a conversation on this account, opened by their first message and kept fresh
 * by each: the conversation records the last inbound, from which the send side measures the
 * channel's session window (WhatsApp's and Messenger's 24 hours, WeChat's 48).
 */
import { newId } from '../../../lib/ids.ts';
import type { ConversationRepository } from '../../ports/store.ts';
import type { Recording } from './context.ts';

export type SessionWindowInput = Pick<Recording, 'account' | 'receivedAt' | 'contactIds'> & {
  readonly store: { readonly conversations: Pick<ConversationRepository, 'open'> };
};

export async function recordLastInbound(webhook: SessionWindowInput): Promise<void> {
  const { store, account, receivedAt } = webhook;
  await Promise.all(
    [...webhook.contactIds].map(([address, contactId]) =>
      store.conversations.open(
        account.tenantId,
        { channel: account.channel, channelAccountId: account.id, address, contactId },
        newId('cv'),
        receivedAt,
        true,
      ),
    ),
  );
}
