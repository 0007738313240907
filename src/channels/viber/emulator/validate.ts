/**
 * What Viber refuses in a send_message body, as (status, status_message) pairs: 4 missingData for
 * a missing mandatory field, 3 badData for a wrong one, 14 incompatibleWithVersion for rich media
 * under min_api_version 2. Field rules are message.md's, with the limits shared with `check`.
 */

import { isObj, type Obj } from '../../../lib/json.ts';
import { lastPathSegment } from '../../../lib/media-probe.ts';
import { utf8Length } from '../../../lib/text.ts';
import {
  extensionOf,
  FORBIDDEN_FILE_EXTENSIONS,
  HEX_COLOUR,
  VIBER_LIMITS as L,
  PICTURE_EXTENSION,
  VIDEO_EXTENSION,
} from '../limits.ts';

const isStr = (v: unknown): v is string => typeof v === 'string';
const isUrl = (v: unknown): v is string => isStr(v) && /^https?:\/\/\S+$/i.test(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export interface Refusal {
  status: number;
  status_message: string;
}
const missing = (field: string): Refusal => ({ status: 4, status_message: `missingData: ${field}` });
const bad = (detail: string): Refusal => ({ status: 3, status_message: `badData: ${detail}` });

const TYPES = new Set([
  'text',
  'picture',
  'video',
  'file',
  'contact',
  'location',
  'url',
  'sticker',
  'rich_media',
]);
const ACTION_TYPES = new Set(['reply', 'open-url', 'location-picker', 'share-phone', 'none']);

export function validateSendMessage(body: Obj, raw: string): Refusal | undefined {
  if (utf8Length(raw) > L.messageBytes) return bad(`message is larger than ${L.messageBytes} bytes`);
  if (!isStr(body['receiver']) || body['receiver'] === '') return missing('receiver');
  const sender = body['sender'];
  if (!isObj(sender) || !isStr(sender['name']) || sender['name'] === '') return missing('sender.name');
  if (sender['name'].length > L.senderName) return bad(`sender.name is longer than ${L.senderName}`);
  if (sender['avatar'] !== undefined && !isUrl(sender['avatar'])) return bad('sender.avatar is not a URL');
  if (body['tracking_data'] !== undefined) {
    if (!isStr(body['tracking_data']) || body['tracking_data'].length > L.trackingData) {
      return bad(`tracking_data must be a string of at most ${L.trackingData}`);
    }
  }
  const minApi = body['min_api_version'] ?? 1;
  if (!isInt(minApi) || minApi < 1) return bad('min_api_version must be a positive integer');
  if (body['keyboard'] !== undefined) {
    const problem = keyboardProblem(body['keyboard']);
    if (problem) return bad(problem);
  }
  const type = body['type'];
  if (!isStr(type)) return missing('type');
  if (!TYPES.has(type)) return bad(`unknown message type ${type}`);
  return typeProblem(type, body, minApi);
}

function typeProblem(type: string, b: Obj, minApi: number): Refusal | undefined {
  switch (type) {
    case 'text':
      if (!isStr(b['text'])) return missing('text');
      if (b['text'] === '') return bad('text is empty');
      return b['text'].length > L.text ? bad(`text is longer than ${L.text}`) : undefined;
    case 'picture':
      if (!isStr(b['text'])) return missing('text');
      if (b['text'].length > L.pictureText) return bad(`text is longer than ${L.pictureText}`);
      if (!isUrl(b['media'])) return missing('media');
      if (!PICTURE_EXTENSION.test(lastPathSegment(b['media'])))
        return bad('media is not a .jpeg, .png or .gif');
      return b['thumbnail'] !== undefined && !isUrl(b['thumbnail'])
        ? bad('thumbnail is not a URL')
        : undefined;
    case 'video':
      if (!isUrl(b['media'])) return missing('media');
      if (!VIDEO_EXTENSION.test(lastPathSegment(b['media']))) return bad('media is not an .mp4');
      if (b['size'] === undefined) return missing('size');
      if (!isInt(b['size']) || b['size'] < 1 || b['size'] > L.videoBytes)
        return bad(`size must be 1..${L.videoBytes}`);
      if (b['duration'] !== undefined && (!isInt(b['duration']) || b['duration'] > L.videoSeconds)) {
        return bad(`duration must be an integer of at most ${L.videoSeconds}`);
      }
      return b['thumbnail'] !== undefined && !isUrl(b['thumbnail'])
        ? bad('thumbnail is not a URL')
        : undefined;
    case 'file': {
      if (!isUrl(b['media'])) return missing('media');
      if (b['size'] === undefined) return missing('size');
      if (!isInt(b['size']) || b['size'] < 1 || b['size'] > L.fileBytes)
        return bad(`size must be 1..${L.fileBytes}`);
      if (!isStr(b['file_name']) || b['file_name'] === '') return missing('file_name');
      if (b['file_name'].length > L.fileName) return bad(`file_name is longer than ${L.fileName}`);
      const ext = extensionOf(b['file_name']);
      if (extensionOf(lastPathSegment(b['media'])) === '')
        return bad('media does not end with a file extension');
      return FORBIDDEN_FILE_EXTENSIONS.has(ext) ? bad(`.${ext} files are not supported`) : undefined;
    }
    case 'contact': {
      const c = b['contact'];
      if (!isObj(c) || !isStr(c['name']) || !isStr(c['phone_number'])) return missing('contact');
      return c['name'].length > L.contactName || c['phone_number'].length > L.contactPhone
        ? bad('contact fields too long')
        : undefined;
    }
    case 'location': {
      const l = b['location'];
      if (!isObj(l)) return missing('location');
      const { lat, lon } = l;
      if (typeof lat !== 'number' || typeof lon !== 'number')
        return bad('location.lat and lon must be numbers');
      return Math.abs(lat) > 90 || Math.abs(lon) > 180 ? bad('location is off the map') : undefined;
    }
    case 'url':
      if (!isStr(b['media'])) return missing('media');
      return b['media'].length > L.urlMedia || !isUrl(b['media'])
        ? bad(`media must be a URL of at most ${L.urlMedia}`)
        : undefined;
    case 'sticker': {
      const id = b['sticker_id'];
      if (id === undefined) return missing('sticker_id');
      return (isInt(id) && id > 0) || (isStr(id) && /^[1-9][0-9]*$/.test(id))
        ? undefined
        : bad('sticker_id is not a sticker id');
    }
    case 'rich_media':
      if (minApi < L.richMediaMinApiVersion) {
        return { status: 14, status_message: 'incompatibleWithVersion: rich_media needs min_api_version 2' };
      }
      return richMediaProblem(b['rich_media']);
  }
  return undefined;
}

function buttonProblem(button: unknown, where: string, maxRows: number): string | undefined {
  if (!isObj(button)) return `${where} is not an object`;
  if (!isStr(button['ActionBody'])) return `${where}.ActionBody is required`;
  const type = button['ActionType'] ?? 'reply';
  if (!isStr(type) || !ACTION_TYPES.has(type))
    return `${where}.ActionType is not one of ${[...ACTION_TYPES].join(', ')}`;
  if (type === 'open-url' && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(button['ActionBody']))
    return `${where}.ActionBody is not a URL`;
  const cols = button['Columns'] ?? 6;
  const rows = button['Rows'] ?? 1;
  if (!isInt(cols) || cols < 1 || cols > L.gridColumns) return `${where}.Columns must be 1..${L.gridColumns}`;
  if (!isInt(rows) || rows < 1 || rows > maxRows) return `${where}.Rows must be 1..${maxRows}`;
  if (button['Text'] !== undefined && !isStr(button['Text'])) return `${where}.Text must be a string`;
  if (button['BgColor'] !== undefined && !(isStr(button['BgColor']) && HEX_COLOUR.test(button['BgColor']))) {
    return `${where}.BgColor must be #RRGGBB`;
  }
  for (const media of ['Image', 'BgMedia'] as const) {
    if (button[media] !== undefined && !isUrl(button[media])) return `${where}.${media} is not a URL`;
  }
  return undefined;
}

function keyboardProblem(keyboard: unknown): string | undefined {
  if (!isObj(keyboard) || keyboard['Type'] !== 'keyboard') return 'keyboard.Type must be keyboard';
  const buttons = keyboard['Buttons'];
  if (!Array.isArray(buttons) || buttons.length === 0) return 'keyboard.Buttons must be a non-empty array';
  for (const [i, b] of buttons.entries()) {
    const p = buttonProblem(b, `keyboard.Buttons[${i}]`, L.keyboardButtonRows);
    if (p) return p;
  }
  return undefined;
}

/** Cells fill each card row by row; a card ends when its rows reach ButtonsGroupRows. */
function richMediaProblem(rm: unknown): Refusal | undefined {
  if (!isObj(rm)) return missing('rich_media');
  if (rm['Type'] !== 'rich_media') return bad('rich_media.Type must be rich_media');
  const cols = rm['ButtonsGroupColumns'];
  const rows = rm['ButtonsGroupRows'];
  if (!isInt(cols) || cols < 1 || cols > L.gridColumns)
    return bad(`ButtonsGroupColumns must be 1..${L.gridColumns}`);
  if (!isInt(rows) || rows < 1 || rows > L.gridRows) return bad(`ButtonsGroupRows must be 1..${L.gridRows}`);
  const buttons = rm['Buttons'];
  if (!Array.isArray(buttons) || buttons.length === 0) return missing('rich_media.Buttons');
  let cards = 0;
  let area = 0;
  for (const [i, b] of buttons.entries()) {
    const p = buttonProblem(b, `rich_media.Buttons[${i}]`, rows);
    if (p) return bad(p);
    const cell = b as Obj;
    const w = (cell['Columns'] as number | undefined) ?? 6;
    if (w > cols) return bad(`rich_media.Buttons[${i}] is wider than the card`);
    if (area === 0) cards += 1;
    area += w * ((cell['Rows'] as number | undefined) ?? 1);
    if (area > cols * rows) return bad(`rich_media.Buttons[${i}] overflows card ${cards}`);
    if (area === cols * rows) area = 0;
  }
  if (area !== 0) return bad(`card ${cards} does not fill its ${cols}×${rows} grid`);
  return cards > L.richMediaCards
    ? bad(`rich_media has ${cards} cards; at most ${L.richMediaCards}`)
    : undefined;
}
