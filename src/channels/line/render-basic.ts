/**
 * The kinds LINE carries one to one (text, media, location, sticker, imagemap), plus the two
 * places it has no slot for what we were given: file attachments and media captions.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { MessageOf } from '../../core/vocabulary/message.ts';
import { type LineObject, textMessage } from './render-actions.ts';

export interface Rendered {
  messages: LineObject[];
  degradations: Degradation[];
}

export function renderMedia(m: MessageOf<'media'>): Rendered {
  if (m.mediaType === 'file') return renderFile(m);
  const messages: LineObject[] = [mediaObject(m)];
  const degradations: Degradation[] = [];
  if (m.caption !== undefined) {
    // LINE media has no caption; a text right after it in the same request reads as one.
    messages.push(textMessage(m.caption));
    degradations.push({
      pointer: '/message/caption',
      from: 'caption',
      to: 'text message after the media',
      rule: 'line_no_caption',
    });
  }
  return { messages, degradations };
}

function mediaObject(m: MessageOf<'media'>): LineObject {
  // check() refused a mediaId, so the canonical rules guarantee a URL here.
  const url = m.url ?? '';
  switch (m.mediaType) {
    case 'image':
      // LINE wants a preview; the image itself serves when none is given (it may be slower to load).
      return { type: 'image', originalContentUrl: url, previewImageUrl: m.previewUrl ?? url };
    case 'video':
      return { type: 'video', originalContentUrl: url, previewImageUrl: m.previewUrl };
    default:
      return { type: 'audio', originalContentUrl: url, duration: m.durationMs };
  }
}

/** LINE bots cannot send files at all (they are inbound only), so the person gets a link. */
function renderFile(m: MessageOf<'media'>): Rendered {
  const url = m.url ?? '';
  const name = m.fileName ?? fileNameFromUrl(url);
  const lines = [...(m.caption !== undefined ? [m.caption, ''] : []), `📎 ${name}`, url];
  const degradations: Degradation[] = [
    {
      pointer: '/message',
      from: 'media:file',
      to: 'text message with the file name and link',
      rule: 'line_no_file',
    },
  ];
  if (m.caption !== undefined) {
    degradations.push({
      pointer: '/message/caption',
      from: 'caption',
      to: 'first lines of the text message',
      rule: 'line_no_caption',
    });
  }
  return { messages: [textMessage(lines.join('\n'))], degradations };
}

function fileNameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'file';
  } catch {
    return 'file';
  }
}

export function renderLocation(m: MessageOf<'location'>): Rendered {
  const coordinates = `${m.latitude}, ${m.longitude}`;
  const degradations: Degradation[] = [];
  // LINE requires both fields; the coordinates are the one honest value we always have.
  for (const field of ['title', 'address'] as const) {
    if (m[field] === undefined) {
      degradations.push({
        pointer: `/message/${field}`,
        from: 'absent',
        to: `"${coordinates}" (LINE requires a ${field})`,
        rule: 'line_location_requires_title_and_address',
      });
    }
  }
  const location = {
    type: 'location',
    title: m.title ?? coordinates,
    address: m.address ?? coordinates,
    latitude: m.latitude,
    longitude: m.longitude,
  };
  return { messages: [location], degradations };
}

export function renderSticker(m: MessageOf<'sticker'>): Rendered {
  return {
    messages: [{ type: 'sticker', packageId: m.packageId, stickerId: m.stickerId }],
    degradations: [],
  };
}

export function renderImagemap(m: MessageOf<'imagemap'>): Rendered {
  const actions = m.areas.map((a) => {
    const area = { x: a.x, y: a.y, width: a.width, height: a.height };
    return a.action.type === 'url'
      ? { type: 'uri', label: a.action.title, linkUri: a.action.url, area }
      : { type: 'message', label: a.action.title, text: a.action.text, area };
  });
  const imagemap = {
    type: 'imagemap',
    baseUrl: m.baseUrl,
    altText: m.altText,
    baseSize: { width: m.width, height: m.height },
    actions,
  };
  return { messages: [imagemap], degradations: [] };
}
