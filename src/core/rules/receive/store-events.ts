/**
 * The events stored before the provider is answered, each with its sender's contact. The store
 * skips an event whose provider event id it has seen (a provider redelivers what it thinks was
 * lost) and says when each was first stored, which the consent keywords date their choice by. A
 * LINE reply token is kept with its event: the send side's reply window is measured from it.
 */
import type { InboundRepository } from '../../ports/store.ts';
import type { Recording } from './context.ts';

export type StoreEventsInput = Pick<
  Recording,
  'account' | 'events' | 'receivedAt' | 'contactIds' | 'firstStoredAt'
> & {
  readonly store: { readonly inbound: Pick<InboundRepository, 'insert'> };
};

export async function storeEvents(webhook: StoreEventsInput): Promise<void> {
  const { store, account, events, receivedAt, contactIds } = webhook;
  webhook.firstStoredAt = await store.inbound.insert(
    account.tenantId,
    events.map((e) => ({
      channelAccountId: account.id,
      kind: e.kind,
      event:
        'from' in e && e.from && contactIds.has(e.from) ? { ...e, contactId: contactIds.get(e.from) } : e,
      receivedAt,
      ...(e.providerEventId ? { providerEventId: e.providerEventId } : {}),
      ...('from' in e && e.from ? { from: e.from } : {}),
      ...('replyToken' in e && e.replyToken ? { replyToken: e.replyToken } : {}),
    })),
  );
}
