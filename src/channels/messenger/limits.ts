/**
 * Messenger's documented limits (Send API reference, providers.md §4), shared by `check`, the
 * renderers, the emulator and the tests. Messenger counts characters (code points); Instagram's
 * text limit is in bytes and lives in ../instagram/limits.ts.
 */
export const GRAPH_VERSION = 'v21.0';

export const MESSENGER_LIMITS = {
  /** `message.text`, characters. */
  text: 2000,
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

/** Message tags Messenger documents for sending outside the 24-hour window. */
export const MESSENGER_TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'CUSTOMER_FEEDBACK',
  'HUMAN_AGENT',
  'POST_PURCHASE_UPDATE',
] as const;
export type MessengerTag = (typeof MESSENGER_TAGS)[number];

export const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'] as const;
export type MessagingType = (typeof MESSAGING_TYPES)[number];

export const NOTIFICATION_TYPES = ['REGULAR', 'SILENT_PUSH', 'NO_PUSH'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Page-scoped (PSID) and Instagram-scoped (IGSID) ids are decimal strings. */
export const SCOPED_ID = /^[1-9][0-9]{4,31}$/;
