/**
 * The Send API's limits on a message's structure, the same for Messenger and Instagram (Send API
 * reference, providers.md §4, §5), with their sources (SEND_API_LIMIT_NOTES, in both channels'
 * tables of docs/limits.md), its enumerations and its id pattern. The family's checks and
 * renderers apply them, and the shared emulator (./emulator/schema.ts) enforces them, for both.
 */
import type { LimitNotes } from '../../kit/limit-notes.ts';

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

const MP = 'https://developers.facebook.com/docs/messenger-platform';

export const SEND_API_LIMIT_NOTES: LimitNotes<typeof SEND_API_LIMITS> = {
  quickReplies: {
    what: '`quick_replies`',
    unit: 'items',
    where: ['check', 'render', 'emulator'],
    source: `${MP}/send-messages/quick-replies; providers.md §4`,
  },
  quickReplyTitle: {
    what: 'quick reply `title` Omnigate writes from a list row (shortened to fit)',
    unit: 'code points',
    where: ['render', 'emulator'],
    source: `${MP}/send-messages/quick-replies; providers.md §4`,
  },
  payload: {
    what: 'postback and quick reply `payload`, `message.metadata`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${MP}/send-messages/quick-replies, ${MP}/reference/buttons/postback; providers.md §4`,
  },
  buttonTemplateText: {
    what: 'button template `text`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${MP}/reference/templates/button; providers.md §4`,
  },
  buttons: {
    what: 'buttons of a button template or a generic template element',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${MP}/reference/templates/button, ${MP}/reference/templates/generic; providers.md §4`,
  },
  buttonTitle: {
    what: 'button and quick reply `title`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${MP}/reference/buttons/postback; providers.md §4`,
  },
  genericElements: {
    what: 'generic template `elements` (carousel cards)',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${MP}/reference/templates/generic; providers.md §4`,
  },
  elementTitle: {
    what: 'generic template element `title`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${MP}/reference/templates/generic; providers.md §4`,
  },
  elementSubtitle: {
    what: 'generic template element `subtitle`',
    unit: 'code points',
    where: ['check', 'render', 'emulator'],
    source: `${MP}/reference/templates/generic; providers.md §4`,
  },
  receiptElements: {
    what: 'receipt template `elements`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${MP}/reference/templates/receipt`,
  },
};

export const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'] as const;
export type MessagingType = (typeof MESSAGING_TYPES)[number];

export const NOTIFICATION_TYPES = ['REGULAR', 'SILENT_PUSH', 'NO_PUSH'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Page-scoped (PSID) and Instagram-scoped (IGSID) ids are decimal strings. */
export const SCOPED_ID = /^[1-9][0-9]{4,31}$/;
