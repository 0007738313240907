/**
 * Viber's documented limits (creators-hub data-models/message.md, providers.md §3), shared by
 * `check`, the renderers and the emulator so the three cannot disagree. Viber says "characters";
 * we count UTF-16 code units (JavaScript length), the stricter reading for astral characters.
 * VIBER_LIMIT_NOTES says of each where it is enforced and its source (docs/limits.md).
 */
import type { LimitNotes } from '../kit/limit-notes.ts';

export const VIBER_LIMITS = {
  /** Whole request body, bytes. */
  messageBytes: 30 * 1024,
  senderName: 28,
  trackingData: 4000,
  text: 7000,
  pictureText: 768,
  urlMedia: 2000,
  videoBytes: 27_262_976,
  videoSeconds: 180,
  fileBytes: 52_428_800,
  fileName: 256,
  /** Rich media: cards per message, grid of one card. */
  richMediaCards: 6,
  gridColumns: 6,
  gridRows: 7,
  /** Keyboard buttons are 1-2 rows high. */
  keyboardButtonRows: 2,
  /** A cell's `Text`; Viber crops longer text with "...". */
  cellText: 250,
  /** Rich media needs clients of API level 2 or later. */
  richMediaMinApiVersion: 2,
  /** A contact message's `contact.name` and `contact.phone_number` (raw payloads only). */
  contactName: 28,
  contactPhone: 18,
} as const;

const REST = 'https://developers.viber.com/docs/api/rest-bot-api/';

export const VIBER_LIMIT_NOTES: LimitNotes<typeof VIBER_LIMITS> = {
  messageBytes: {
    what: 'a send_message body (30 KB)',
    unit: 'UTF-8 bytes',
    where: ['check', 'emulator'],
    source: `${REST} (send_message); providers.md §3 ("Whole message ≤ 30 KB")`,
  },
  senderName: {
    what: "`sender.name` (`options.viber.senderName`, the account's sender name)",
    unit: 'UTF-16 units',
    where: ['check', 'schema', 'emulator'],
    source: `${REST} (send_message, sender); providers.md §3; the account's own name is held to it by the account schema`,
  },
  trackingData: {
    what: '`tracking_data` (`options.viber.trackingData`)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REST} (send_message); providers.md §3`,
  },
  text: {
    what: 'text message `text`, and text Omnigate writes (captions with links, lists, receipts, cards)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REST} (text message); providers.md §3`,
  },
  pictureText: {
    what: 'picture message `text` (the caption)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REST} (picture message); providers.md §3`,
  },
  urlMedia: {
    what: 'URL message `media`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REST} (URL message); providers.md §3`,
  },
  videoBytes: {
    what: 'video message `size` (26 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${REST}#video-message; providers.md §3`,
  },
  videoSeconds: {
    what: 'video message `duration`',
    unit: 'seconds',
    where: ['probe', 'emulator'],
    source: `${REST}#video-message; providers.md §3`,
  },
  fileBytes: {
    what: 'file message `size` (50 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${REST}#file-message; providers.md §3`,
  },
  fileName: {
    what: 'file message `file_name`, extension included',
    unit: 'UTF-16 units',
    where: ['probe', 'emulator'],
    source: `${REST}#file-message; providers.md §3`,
  },
  richMediaCards: {
    what: 'cards of a rich media message (more become numbered text)',
    unit: 'items',
    where: ['render', 'emulator'],
    source: 'providers.md §3 (rich_media: 1-6 cards)',
  },
  gridColumns: {
    what: "rich media `ButtonsGroupColumns`, a button's `Columns`",
    unit: 'grid columns',
    where: ['render', 'emulator'],
    source: 'https://developers.viber.com/docs/tools/keyboards/; providers.md §3',
  },
  gridRows: {
    what: "rich media `ButtonsGroupRows`: a card's image, text and actions together",
    unit: 'grid rows',
    where: ['check', 'render', 'emulator'],
    source: 'https://developers.viber.com/docs/tools/keyboards/; providers.md §3',
  },
  keyboardButtonRows: {
    what: "a keyboard button's `Rows`",
    unit: 'grid rows',
    where: ['emulator'],
    source: 'https://developers.viber.com/docs/tools/keyboards/; providers.md §3',
  },
  cellText: {
    what: "a button's `Text` (Viber crops longer text; Omnigate shortens it)",
    unit: 'UTF-16 units',
    where: ['render'],
    source: 'https://developers.viber.com/docs/tools/keyboards/; providers.md §3',
  },
  richMediaMinApiVersion: {
    what: '`min_api_version` of a rich media message',
    unit: 'API level',
    bound: 'min',
    where: ['render', 'emulator'],
    source: `${REST} (rich media message); providers.md §3 [S]`,
  },
  contactName: {
    what: 'contact message `contact.name` (raw payloads only)',
    unit: 'UTF-16 units',
    where: ['emulator'],
    source: `${REST} (contact message); providers.md §3`,
  },
  contactPhone: {
    what: 'contact message `contact.phone_number` (raw payloads only)',
    unit: 'UTF-16 units',
    where: ['emulator'],
    source: `${REST} (contact message); providers.md §3`,
  },
};

/** Viber subscriber ids are 16 random bytes in base64 (`jc9HsWTZ2Yf2NkRZ8KcNug==`). */
export const VIBER_USER_ID = /^[A-Za-z0-9+/]{22}==$/;

/** `picture` media must name a .jpeg/.jpg/.png/.gif resource in its last path segment. */
export const PICTURE_EXTENSION = /\.(jpe?g|png|gif)$/i;
/** `video` media must be an .mp4 resource. */
export const VIDEO_EXTENSION = /\.mp4$/i;

/** File types Viber refuses to carry (message.md, "Forbidden File Formats"). */
export const FORBIDDEN_FILE_EXTENSIONS = new Set(
  (
    'bat bin cmd com cpl exe gadget inf1 ins inx isu job jse lnk msc msi msp mst paf pif ps1 reg rgs sct shb shs ' +
    'u3p vb vbe vbs vbscript ws wsf action app command csh osx workflow ksh out run apk ipa'
  ).split(' '),
);

/** The extension of a file name, lower case, without the dot ('' when it has none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

export const HEX_COLOUR = /^#[0-9A-Fa-f]{6}$/;
