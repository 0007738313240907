/**
 * Messenger's documented limits (Send API reference, providers.md §4): its text limit and window,
 * and the Send API's structural limits (../families/send-api/limits.ts), which the family's checks,
 * renderers and emulator apply. Messenger counts characters (code points); Instagram's text limit
 * is in bytes and lives in ../instagram/limits.ts. MESSENGER_LIMIT_NOTES says of each where it is
 * enforced and its source (docs/limits.md).
 */
import { SEND_API_LIMIT_NOTES, SEND_API_LIMITS } from '../families/send-api/limits.ts';
import type { LimitNotes } from '../kit/limit-notes.ts';

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
  ...SEND_API_LIMIT_NOTES,
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
