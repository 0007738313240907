/**
 * What Instagram takes as an attachment by URL, judged on what the probe found at the URL
 * (core/rules/send/linked-media.ts), or on the URL's name when it could not be probed. Shared by the
 * connector (`instagramLinkedMedia`) and the emulator (emulator/profile.ts), which refuse the same.
 *
 * Instagram Messaging, "Upload Media" and "Send Messages", supported formats and sizes
 * (https://developers.facebook.com/docs/messenger-platform/instagram/features/attachment-upload,
 * https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message;
 * providers.md §5): image png, jpeg (and gif) up to 8 MB; video mp4, ogg, avi, mov, webm up to
 * 25 MB; audio aac, m4a, wav, mp4 up to 25 MB; file: pdf only, up to 25 MB. Only the file's
 * type is enforced besides the sizes: the other kinds' format lists differ between the two pages.
 */

import type { ChannelPolicy } from '../../../core/ports/channel.ts';
import type { FieldIssue, LinkedMedia } from '../../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../../core/vocabulary/message.ts';
import { lastPathSegment, type MediaFacts } from '../../../lib/media-probe.ts';
import type { LimitNotes } from '../../kit/limit-notes.ts';

const MB = 1024 * 1024;
export const INSTAGRAM_ATTACHMENT_BYTES = {
  image: 8 * MB,
  video: 25 * MB,
  audio: 25 * MB,
  file: 25 * MB,
} as const;

const UPLOAD = 'https://developers.facebook.com/docs/messenger-platform/instagram/features/attachment-upload';
export const INSTAGRAM_ATTACHMENT_NOTES: LimitNotes<typeof INSTAGRAM_ATTACHMENT_BYTES> = {
  image: {
    what: 'an image attachment by URL (8 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${UPLOAD}; providers.md §5`,
  },
  video: {
    what: 'a video attachment by URL (25 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${UPLOAD}; providers.md §5`,
  },
  audio: {
    what: 'an audio attachment by URL (25 MB)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${UPLOAD}; providers.md §5`,
  },
  file: {
    what: 'a file attachment by URL (25 MB; PDF only)',
    unit: 'bytes',
    where: ['probe', 'emulator'],
    source: `${UPLOAD}; providers.md §5`,
  },
};
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** Why Instagram would not take this attachment, or undefined. `facts` undefined: not probed. */
export function instagramAttachmentProblem(
  type: string,
  url: string,
  facts: MediaFacts | undefined,
): { rule: string; detail: string } | undefined {
  const max = (INSTAGRAM_ATTACHMENT_BYTES as Readonly<Record<string, number | undefined>>)[type];
  if (max !== undefined && facts?.size !== undefined && facts.size > max) {
    return {
      rule: 'max_media_size',
      detail: `Instagram takes ${type} attachments of at most ${max / MB} MB; this one is ${facts.size} bytes`,
    };
  }
  if (type === 'file') {
    const declared = facts?.contentType;
    const name = facts?.fileName ?? lastPathSegment(url);
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
    const what =
      declared !== undefined && !GENERIC_TYPES.has(declared)
        ? declared === 'application/pdf'
          ? undefined
          : `served as ${declared}`
        : ext !== '' && ext !== 'pdf'
          ? `a .${ext} file`
          : undefined;
    if (what !== undefined) {
      return {
        rule: 'file_type',
        detail: `Instagram takes PDF files only as file attachments; this URL is ${what}`,
      };
    }
  }
  return undefined;
}

const urlOf = (message: CanonicalMessage) =>
  message.type === 'media' && message.url !== undefined && message.mediaId === undefined
    ? message.url
    : undefined;

export const instagramLinkedMedia: NonNullable<ChannelPolicy['linkedMedia']> = {
  links(message) {
    const url = urlOf(message);
    return url === undefined ? [] : [{ pointer: '/message/url', url }];
  },
  check(message, media: LinkedMedia): FieldIssue[] {
    const url = urlOf(message);
    if (url === undefined || message.type !== 'media') return [];
    const found = media['/message/url'];
    const problem = instagramAttachmentProblem(
      message.mediaType,
      url,
      found && 'facts' in found ? found.facts : undefined,
    );
    return problem ? [{ pointer: '/message/url', ...problem }] : [];
  },
};
