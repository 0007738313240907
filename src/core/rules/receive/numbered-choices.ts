/**
 * A person answering a numbered choice (a carousel or list the channel showed as text) by typing
 * its number gets the postback of that choice, as if they had tapped a button. The typed message
 * stays an event of its own; the postback is added after the webhook's own events.
 */
import type { MessageRepository } from '../../ports/store.ts';
import type { InboundEvent } from '../../vocabulary/channel.ts';
import type { Reading } from './context.ts';

export type NumberedChoicesInput = Pick<Reading, 'account' | 'events'> & {
  readonly store: { readonly messages: Pick<MessageRepository, 'latestChoices'> };
};

export async function answerNumberedChoices(webhook: NumberedChoicesInput): Promise<void> {
  const { store, account, events } = webhook;
  const mapped: InboundEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'message' || e.text === undefined) continue;
    // Up to five digits: a list may have 100 sections of 100 rows, all numbered when sent as text.
    const typed = /^\s*(\d{1,5})\s*[.)]?\s*$/.exec(e.text);
    if (!typed) continue;
    const latest = await store.messages.latestChoices(account.tenantId, account.id, e.from);
    const choice = latest?.choices.find((c) => c.number === Number(typed[1]));
    if (!latest || !choice) continue;
    mapped.push({
      kind: 'postback',
      from: e.from,
      payload: choice.payload,
      occurredAt: e.occurredAt,
      ...(e.providerEventId ? { providerEventId: `${e.providerEventId}#choice` } : {}),
      ...(e.replyToken ? { replyToken: e.replyToken } : {}),
      choice: { messageId: latest.messageId, number: choice.number, text: e.text },
    });
  }
  events.push(...mapped);
}
