/**
 * Konnek's numeric message status (seed 002: -3 Failed, -2 Undelivered, -1 Unsent, 0 Pending,
 * 1 Sent, 2 Delivered, 3 Read) for each native status (core/status.ts).
 */
import type { MessageStatus } from '../../core/index.ts';

export const KONNEK_STATUS = {
  failed: -3,
  undelivered: -2,
  unsent: -1,
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
} as const;
export type KonnekStatus = (typeof KONNEK_STATUS)[keyof typeof KONNEK_STATUS];

const BY_NATIVE: Record<MessageStatus, KonnekStatus> = {
  // Accepted and on its way: not yet with the provider.
  accepted: KONNEK_STATUS.pending,
  queued: KONNEK_STATUS.pending,
  sending: KONNEK_STATUS.pending,
  sent: KONNEK_STATUS.sent,
  delivered: KONNEK_STATUS.delivered,
  read: KONNEK_STATUS.read,
  failed: KONNEK_STATUS.failed,
  // The provider took it and could not hand it over.
  undelivered: KONNEK_STATUS.undelivered,
  // Never handed to the provider: it expired waiting, or the contact policy held it back.
  expired: KONNEK_STATUS.unsent,
  rejected: KONNEK_STATUS.unsent,
};

export const konnekStatus = (status: MessageStatus): KonnekStatus => BY_NATIVE[status];
