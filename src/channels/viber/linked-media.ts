/**
 * Viber's rules on the video or file a message links to, judged on what the probe found at the
 * URL (core/rules/send/linked-media.ts). Viber requires a video's and a file's `size`, so a probe that finds
 * one turns a link into a real video or file message, and then Viber's rules apply to it
 * (Viber REST API, send_message, https://developers.viber.com/docs/api/rest-bot-api/#video-message
 * and #file-message; creators-hub data-models/message.md; providers.md §3):
 * - video: `media` is an .mp4 URL; `size` at most 26 MB (27,262,976 bytes); `duration` at most
 *   180 seconds;
 * - file: `size` at most 50 MB (52,428,800 bytes); the URL ends in the file's extension;
 *   `file_name` at most 256 characters with its extension, which is not a forbidden format
 *   ("Forbidden File Formats": .exe, .bat, .apk, .ipa, ...).
 * Without a size (no probe, no `options.viber.mediaSize`) the message goes as a link, which none of
 * these rules concern. The emulator (emulator/validate.ts) refuses the same bodies.
 */

import type { ChannelPolicy } from '../../core/ports/channel.ts';
import type { FieldIssue, LinkedMedia, MediaLink } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../core/vocabulary/message.ts';
import { lastPathSegment } from '../../lib/media-probe.ts';
import { optionsOf } from '../kit/options.ts';
import { extensionOf, FORBIDDEN_FILE_EXTENSIONS, VIBER_LIMITS as L, VIDEO_EXTENSION } from './limits.ts';
import { ViberOptions } from './options.ts';
import { renderViber } from './render.ts';

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB (${bytes.toLocaleString('en')} bytes)`;

export const viberLinkedMedia: NonNullable<ChannelPolicy['linkedMedia']> = {
  links(message): MediaLink[] {
    if (message.type !== 'media' || message.url === undefined || message.mediaType === 'image') return [];
    return [
      {
        pointer: '/message/url',
        url: message.url,
        duration: message.mediaType === 'video' && message.durationMs === undefined,
      },
    ];
  },
  check: checkViberLinkedMedia,
};

export function checkViberLinkedMedia(
  message: CanonicalMessage,
  media: LinkedMedia,
  options: Record<string, unknown> | undefined,
): FieldIssue[] {
  if (message.type !== 'media' || message.url === undefined) return [];
  const issues: FieldIssue[] = [];
  const add = (pointer: string, rule: string, detail: string) => issues.push({ pointer, rule, detail });
  const body = renderViber(message, {
    to: 'jc9HsWTZ2Yf2NkRZ8KcNug==',
    retryKey: '',
    media,
    ...(options ? { options } : {}),
  }).request.body as Record<string, unknown>;
  const name = lastPathSegment(message.url);
  const sizePointer =
    optionsOf(ViberOptions, options).mediaSize !== undefined ? '/options/viber/mediaSize' : '/message/url';
  const size = typeof body['size'] === 'number' ? body['size'] : 0;

  if (body['type'] === 'video') {
    if (!VIDEO_EXTENSION.test(name)) {
      add(
        '/message/url',
        'url_extension',
        `A Viber video is an .mp4 file named so by its URL; this URL ends in '${name}' (send another format as mediaType file)`,
      );
    }
    if (size > L.videoBytes) {
      add(
        sizePointer,
        'max_media_size',
        `Viber takes videos of at most ${MB(L.videoBytes)}; this one is ${size} bytes`,
      );
    }
    const seconds = body['duration'];
    if (typeof seconds === 'number' && seconds > L.videoSeconds) {
      add(
        message.durationMs !== undefined ? '/message/durationMs' : '/message/url',
        'max_duration',
        `Viber takes videos of at most ${L.videoSeconds} seconds; this one is ${seconds} seconds`,
      );
    }
  } else if (body['type'] === 'file') {
    if (size > L.fileBytes) {
      add(
        sizePointer,
        'max_media_size',
        `Viber takes files of at most ${MB(L.fileBytes)}; this one is ${size} bytes`,
      );
    }
    if (extensionOf(name) === '') {
      add(
        '/message/url',
        'file_extension',
        `Viber needs a file's URL to end in its extension (report.pdf); this one ends in '${name}'`,
      );
    }
    const fileName = String(body['file_name'] ?? '');
    const namePointer = message.fileName !== undefined ? '/message/fileName' : '/message/url';
    const ext = extensionOf(fileName);
    if (fileName.length > L.fileName) {
      add(
        namePointer,
        'maxLength',
        `A Viber file name is at most ${L.fileName} characters; this one is ${fileName.length}`,
      );
    } else if (FORBIDDEN_FILE_EXTENSIONS.has(ext)) {
      add(
        namePointer,
        'file_type',
        `Viber does not carry .${ext} files (its forbidden file formats); '${fileName}' is one`,
      );
    }
  }
  return issues;
}
