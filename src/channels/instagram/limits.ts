/**
 * Instagram's limits where they differ from Messenger's (../messenger/limits.ts): text is at most
 * 1000 UTF-8 bytes (providers.md §5, §12), and HUMAN_AGENT is the only message tag.
 */
import type { LimitNotes } from '../kit/limit-notes.ts';

export const INSTAGRAM_LIMITS = {
  textBytes: 1000,
  /** Free-form messages within 24 h of the person's last message; HUMAN_AGENT extends it. */
  sessionWindowHours: 24,
} as const;

export const INSTAGRAM_LIMIT_NOTES: LimitNotes<typeof INSTAGRAM_LIMITS> = {
  textBytes: {
    what: '`message.text`, and text Omnigate writes (locations, lists, receipts as text)',
    unit: 'UTF-8 bytes',
    where: ['check', 'emulator'],
    source: "providers.md §5 [S] (Infobip quoting Meta; §13: not found on Meta's page)",
  },
  sessionWindowHours: {
    what: 'free-form messages after the person last wrote (HUMAN_AGENT goes outside it)',
    unit: 'hours',
    where: ['check'],
    source:
      'https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message; providers.md §5',
  },
};

export const INSTAGRAM_TAGS = ['HUMAN_AGENT'] as const;
