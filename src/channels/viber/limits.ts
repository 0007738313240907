/**
 * Viber's documented limits (creators-hub data-models/message.md, providers.md §3), shared by
 * `check`, the renderers and the emulator so the three cannot disagree. Viber says "characters";
 * we count UTF-16 code units (JavaScript length), the stricter reading for astral characters.
 */
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
} as const;

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

/** The last path segment of a URL (no query or fragment), or '' when it has none. */
export function lastPathSegment(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return '';
  }
}

/** The extension of a file name, lower case, without the dot ('' when it has none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

export const HEX_COLOUR = /^#[0-9A-Fa-f]{6}$/;
