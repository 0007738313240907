/**
 * The one status vocabulary, and the rule that status only moves forward.
 *
 * Provider events arrive late, twice and out of order (WhatsApp, Messenger watermarks, our own
 * retries), so every change goes through `isForward`: a `sent` arriving after `delivered` is kept
 * in the audit trail but never overwrites it. Terminal failures are final; the one move out of a
 * delivered state is to `read`.
 */
export const MESSAGE_STATUSES = [
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
  'expired',
  'rejected',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const RANK: Record<MessageStatus, number> = {
  accepted: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  // Failures end the line. A provider may still report `failed` after `sent` (WhatsApp does), so
  // they rank above sent; `read`/`delivered` after a failure would be contradictory and is ignored.
  failed: 6,
  undelivered: 6,
  expired: 6,
  rejected: 6,
};

const TERMINAL = new Set<MessageStatus>(['read', 'failed', 'undelivered', 'expired', 'rejected']);

export function isTerminal(status: MessageStatus): boolean {
  return TERMINAL.has(status);
}

/** Whether `next` may replace `current`. */
export function isForward(current: MessageStatus, next: MessageStatus): boolean {
  if (current === next || TERMINAL.has(current)) return false;
  // A delivered or read message cannot fail afterwards: the person has it.
  if ((current === 'delivered' || current === 'read') && RANK[next] === 6) return false;
  return RANK[next] > RANK[current];
}

/** Whether the provider has (or may have) the message: past this point we never send it again. */
export function isHandedOver(status: MessageStatus): boolean {
  return RANK[status] >= RANK.sent && RANK[status] <= RANK.read;
}

/**
 * The code of a message that ended `failed` because an attempt may have reached the provider (no
 * answer, or one that cannot tell): resending it could deliver it twice, so nothing resends it
 * unless asked to (a redrive with `includeMaybeSent`).
 */
export const MAYBE_SENT = 'maybe_sent';
