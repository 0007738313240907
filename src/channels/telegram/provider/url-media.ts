/**
 * What Telegram refuses of a file it is asked to fetch by URL, judged on the facts of the URL
 * (lib/media-probe.ts), or on its name alone when it could not be fetched. Shared by the gateway's
 * accept-time check (`telegramLinkedMedia`) and the emulator (emulator/url-media.ts), so the two
 * refuse the same set.
 *
 * Bot API, "Sending files" (https://core.telegram.org/bots/api#sending-files), "Provide Telegram
 * with an HTTP URL for the file to be sent": "5 MB max size for photos and 20 MB max for other
 * types of content"; "In sendDocument, sending by URL will currently only work for GIF, PDF and
 * ZIP files". sendSticker (https://core.telegram.org/bots/api#sendsticker): "pass an HTTP URL as a
 * String for Telegram to get a .WEBP sticker from the Internet" (animated and video stickers not
 * by URL). providers.md §2 has the same table.
 *
 * Telegram judges a fetched file by the type the server declares for it; a server that declares
 * none (or a generic application/octet-stream) leaves the file's name to say what it is, and a
 * name without an extension says nothing, which is taken as acceptable.
 */

import type { ChannelPolicy } from '../../../core/ports/channel.ts';
import type { FieldIssue, LinkedMedia, MediaLink } from '../../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../../core/vocabulary/message.ts';
import type { MediaFacts } from '../../../lib/media-probe.ts';
import { lastPathSegment } from '../../../lib/media-probe.ts';
import type { LimitNotes } from '../../kit/limit-notes.ts';

export type UrlMediaKind = 'photo' | 'document' | 'sticker' | 'other';

const MB = 1024 * 1024;
export const TELEGRAM_URL_LIMITS = {
  photoBytes: 5 * MB,
  otherBytes: 20 * MB,
} as const;

export const TELEGRAM_URL_LIMIT_NOTES: LimitNotes<typeof TELEGRAM_URL_LIMITS> = {
  photoBytes: {
    what: 'a photo Telegram fetches by URL (5 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: 'https://core.telegram.org/bots/api#sending-files ("5 MB max size for photos")',
  },
  otherBytes: {
    what: 'any other file Telegram fetches by URL (20 MB); documents by URL only GIF, PDF, ZIP, stickers only .WEBP',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source:
      'https://core.telegram.org/bots/api#sending-files ("20 MB max for other types of content"), #sendsticker',
  },
};

/** What sendDocument fetches by URL: GIF, PDF and ZIP, by declared type or by extension. */
const DOCUMENT_TYPES = new Set([
  'image/gif',
  'application/pdf',
  'application/zip',
  'application/x-zip-compressed',
]);
const DOCUMENT_EXTENSIONS = new Set(['gif', 'pdf', 'zip']);
const STICKER_TYPES = new Set(['image/webp']);
const STICKER_EXTENSIONS = new Set(['webp']);
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown']);

export interface UrlMediaProblem {
  rule: string;
  /** For the gateway's 422. */
  detail: string;
  /** Telegram's own answer (error_code 400). */
  description: string;
}

/** Why Telegram would refuse to fetch `url` as `kind`, or undefined. `facts` undefined: not fetched. */
export function telegramUrlMediaProblem(
  kind: UrlMediaKind,
  url: string,
  facts: MediaFacts | undefined,
): UrlMediaProblem | undefined {
  const max = kind === 'photo' ? TELEGRAM_URL_LIMITS.photoBytes : TELEGRAM_URL_LIMITS.otherBytes;
  if (facts?.size !== undefined && facts.size > max) {
    return {
      rule: 'max_media_size',
      detail: `Telegram fetches ${kind === 'photo' ? 'photos' : 'files'} by URL up to ${max / MB} MB; this one is ${facts.size} bytes`,
      description: 'Bad Request: failed to get HTTP URL content',
    };
  }
  if (kind === 'document' || kind === 'sticker') {
    const [types, extensions, what] =
      kind === 'document'
        ? [DOCUMENT_TYPES, DOCUMENT_EXTENSIONS, 'a document by URL only as GIF, PDF or ZIP']
        : [STICKER_TYPES, STICKER_EXTENSIONS, 'a sticker by URL only as .WEBP'];
    const format = formatOf(url, facts);
    if (format !== undefined && !(format.kind === 'type' ? types : extensions).has(format.value)) {
      return {
        rule: kind === 'document' ? 'url_document_format' : 'url_sticker_format',
        detail: `Telegram takes ${what}; this URL is ${format.kind === 'type' ? `served as ${format.value}` : `a .${format.value} file`} (send it by file_id or upload it instead)`,
        description: 'Bad Request: wrong type of the web page content',
      };
    }
  }
  return undefined;
}

/** The declared type when it says something, else the extension; undefined when neither does. */
function formatOf(
  url: string,
  facts: MediaFacts | undefined,
): { kind: 'type' | 'extension'; value: string } | undefined {
  const type = facts?.contentType;
  if (type !== undefined && !GENERIC_TYPES.has(type)) return { kind: 'type', value: type };
  const name = facts?.fileName ?? lastPathSegment(url);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
  return ext === '' ? undefined : { kind: 'extension', value: ext };
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

const KIND_OF_MEDIA: Record<'image' | 'video' | 'audio' | 'file', UrlMediaKind> = {
  image: 'photo',
  video: 'other',
  audio: 'other',
  file: 'document',
};

/** The URLs of a message Telegram fetches, with the kind each is fetched as. */
function urlsOf(message: CanonicalMessage): Array<MediaLink & { kind: UrlMediaKind }> {
  if (message.type === 'media' && message.url !== undefined && message.mediaId === undefined) {
    return [{ pointer: '/message/url', url: message.url, kind: KIND_OF_MEDIA[message.mediaType] }];
  }
  if (message.type === 'sticker' && isUrl(message.stickerId)) {
    return [{ pointer: '/message/stickerId', url: message.stickerId, kind: 'sticker' }];
  }
  return [];
}

export const telegramLinkedMedia: NonNullable<ChannelPolicy['linkedMedia']> = {
  links: (message) => urlsOf(message).map(({ pointer, url }) => ({ pointer, url })),
  check(message, media: LinkedMedia): FieldIssue[] {
    return urlsOf(message).flatMap(({ pointer, url, kind }) => {
      const found = media[pointer];
      const problem = telegramUrlMediaProblem(kind, url, found && 'facts' in found ? found.facts : undefined);
      return problem ? [{ pointer, rule: problem.rule, detail: problem.detail }] : [];
    });
  },
};

/** The parameter of each sending method that takes a file, and the kind it is fetched as. */
export const TELEGRAM_FILE_PARAMETERS: Record<string, { field: string; kind: UrlMediaKind }> = {
  sendphoto: { field: 'photo', kind: 'photo' },
  senddocument: { field: 'document', kind: 'document' },
  sendsticker: { field: 'sticker', kind: 'sticker' },
  sendvideo: { field: 'video', kind: 'other' },
  sendaudio: { field: 'audio', kind: 'other' },
  sendvoice: { field: 'voice', kind: 'other' },
  sendanimation: { field: 'animation', kind: 'other' },
};
