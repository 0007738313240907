/**
 * Messenger's documented limits (Send API reference, providers.md §4), shared by `check`, the
 * renderers, the emulator and the tests. Messenger counts characters (code points); Instagram's
 * text limit is in bytes and lives in ../instagram/limits.ts. MESSENGER_LIMIT_NOTES says of each
 * where it is enforced and its source (docs/limits.md).
 */
import { SEND_API_LIMITS } from '../families/send-api/limits.ts';
import type { LimitNotes } from '../kit/limit-notes.ts';

export const GRAPH_VERSION = 'v21.0';

export const MESSENGER_LIMITS = {
  /** `message.text`, characters. */
  text: 2000,
  ...SEND_API_LIMITS,
  /** Free-form messages within 24 h of the person's last message; a tag extends it. */
  sessionWindowHours: 24,
} as const;

const MP = 'https://developers.facebook.com/docs/messenger-platform';

export const MESSENGER_LIMIT_NOTES: LimitNotes<typeof MESSENGER_LIMITS> = {
  text: {
    what: '`message.text`, and text Omnigate writes (locations, lists, receipts as text)',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${MP}/reference/send-api/; providers.md §4 (wording unverified, §13)`,
  },
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
  sessionWindowHours: {
    what: 'free-form messages after the person last wrote (a message tag goes outside it)',
    unit: 'hours',
    where: ['check'],
    source: `${MP}/policy/policy-overview (the 24-hour standard messaging window); providers.md §4`,
  },
};

/** Message tags Messenger documents for sending outside the 24-hour window. */
export const MESSENGER_TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'CUSTOMER_FEEDBACK',
  'HUMAN_AGENT',
  'POST_PURCHASE_UPDATE',
] as const;
export type MessengerTag = (typeof MESSENGER_TAGS)[number];

export {
  MESSAGING_TYPES,
  type MessagingType,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../families/send-api/limits.ts';

/** Page-scoped (PSID) and Instagram-scoped (IGSID) ids are decimal strings. */
export const SCOPED_ID = /^[1-9][0-9]{4,31}$/;
