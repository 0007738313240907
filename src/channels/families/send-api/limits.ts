/**
 * The Send API's limits on a message's structure, the same for Messenger and Instagram (Send API
 * reference, providers.md §4, §5), and its enumerations. Messenger's connector lists them with
 * their sources in MESSENGER_LIMIT_NOTES (../../messenger/limits.ts); the shared emulator
 * (./emulator/schema.ts) enforces them for both channels.
 */
export const SEND_API_LIMITS = {
  quickReplies: 13,
  quickReplyTitle: 20,
  /** Postback and quick-reply payloads, and `message.metadata`. */
  payload: 1000,
  /** Button template `text`. */
  buttonTemplateText: 640,
  buttons: 3,
  buttonTitle: 20,
  genericElements: 10,
  elementTitle: 80,
  elementSubtitle: 80,
  receiptElements: 100,
} as const;

export const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'] as const;
export type MessagingType = (typeof MESSAGING_TYPES)[number];

export const NOTIFICATION_TYPES = ['REGULAR', 'SILENT_PUSH', 'NO_PUSH'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
