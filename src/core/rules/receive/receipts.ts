/**
 * Receipts move the status of the messages they name forward; the store ignores anything that is
 * not forward. A receipt names a provider message id (WhatsApp, Viber) or a watermark (Messenger,
 * Instagram: everything sent to this person up to then), which the store turns into the messages
 * it covers.
 */
import type { MessageRepository } from '../../ports/store.ts';
import type { InboundEvent } from '../../vocabulary/channel.ts';
import type { Recording } from './context.ts';

/**
 * A receipt can overtake the commit of the send it reports (the provider answers the send and
 * fires the webhook at once). Waiting this long for the message to appear covers that race.
 */
export const RECEIPT_RACE_MS = 2_000;
const RECEIPT_POLL_MS = 50;

type ReceiptStore = Pick<MessageRepository, 'findIdByProviderMessageId' | 'findSentTo' | 'transition'>;

export type ReceiptsInput = Pick<Recording, 'account' | 'events' | 'receiptRaceMs'> & {
  readonly store: { readonly messages: ReceiptStore };
};

/** Applies the webhook's receipts one after another, in the order the provider listed them. */
export async function applyReceipts(webhook: ReceiptsInput): Promise<void> {
  for (const e of webhook.events) await applyReceipt(webhook, e);
}

async function applyReceipt(
  { store, account, receiptRaceMs }: ReceiptsInput,
  e: InboundEvent,
): Promise<void> {
  const detail = { source: 'provider_receipt' };
  if (e.kind === 'status') {
    const messageId = await waitFor(receiptRaceMs, () =>
      store.messages.findIdByProviderMessageId(account.tenantId, account.id, e.providerMessageId),
    );
    if (!messageId) return;
    await moveForward(store.messages, account.tenantId, messageId, e.status, e.occurredAt, {
      ...(e.reason ? { reason: e.reason } : {}),
      detail,
    });
  } else if (e.kind === 'status_watermark') {
    const ids = await store.messages.findSentTo(
      account.tenantId,
      account.id,
      e.recipient,
      e.watermark.toISOString(),
    );
    await Promise.all(
      ids.map((messageId) =>
        moveForward(store.messages, account.tenantId, messageId, e.status, e.occurredAt, {
          detail: { ...detail, watermark: e.watermark.toISOString() },
        }),
      ),
    );
  }
}

/**
 * Applies a receipt's status. A read message was delivered: when `read` comes first (receipts
 * race, or a provider reports only reads), `delivered` is recorded with it, so every read message
 * has both events and callbacks (a no-op when it is delivered already). Both are issued in the
 * same turn, in order, so they share one group commit.
 */
function moveForward(
  messages: Pick<MessageRepository, 'transition'>,
  tenantId: string,
  messageId: string,
  status: 'delivered' | 'read' | 'failed',
  at: Date,
  extra: { reason?: string; detail: Record<string, unknown> },
): Promise<unknown> {
  const iso = at.toISOString();
  return Promise.all([
    status === 'read'
      ? messages.transition(tenantId, {
          messageId,
          status: 'delivered',
          at: iso,
          detail: { source: 'provider_receipt', impliedBy: 'read' },
        })
      : undefined,
    messages.transition(tenantId, { messageId, status, at: iso, ...extra }),
  ]);
}

async function waitFor<T>(limitMs: number, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const until = Date.now() + limitMs;
  for (;;) {
    const found = await read();
    if (found !== undefined || Date.now() >= until) return found;
    await new Promise((r) => setTimeout(r, RECEIPT_POLL_MS));
  }
}
