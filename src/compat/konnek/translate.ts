/**
 * A Konnek request → the canonical message and channel options of one native send, with the
 * renames that name native pointers as Konnek fields (fields.ts), or the Konnek fields that are
 * missing or wrong. Only the fields of the request's own `type` are read: the document's sample
 * sends media, location, buttons and a list, empty, on a text message. An empty string is taken
 * as a field not given (the sample leaves `reply_id`, `header.type`, `footer.title` … empty).
 */
import type { MessageOf } from '../../core/index.ts';
import type { KonnekIssue } from './errors.ts';
import type { Rename } from './fields.ts';
import type { KonnekButton, KonnekFooter, KonnekHeader, SendRequest } from './schema.ts';

/** What a Konnek `type` becomes, before the channel is considered. */
export type KonnekContent =
  | MessageOf<'text'>
  | MessageOf<'media'>
  | MessageOf<'location'>
  | MessageOf<'buttons'>
  | MessageOf<'list'>;

export interface Translation {
  message: KonnekContent;
  /**
   * A button header of a video or a document: the canonical header holds text or an image only,
   * so the message carries the header's URL as its image and the channel decides (index.ts).
   */
  mediaHeader?: { type: 'video' | 'document'; url: string };
  renames: readonly Rename[];
}

export type TranslationResult = Translation | { issues: KonnekIssue[] };

const given = (value: string | undefined): value is string => value !== undefined && value !== '';

/** RFC 3339 as Konnek's sample writes it (nanoseconds and an offset), or with a space for the T. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const MEDIA_TYPES = { image: 'image', video: 'video', audio: 'audio' } as const;
const HEADER_TYPES = ['text', 'image', 'video', 'document'] as const;
type HeaderType = (typeof HEADER_TYPES)[number];
const isHeaderType = (type: string): type is HeaderType => (HEADER_TYPES as readonly string[]).includes(type);

const MEDIA_RENAMES: readonly Rename[] = [
  [/^\/message\/url$/, '/body/media/url'],
  [/^\/message\/fileName$/, '/body/media/name'],
  [/^\/message\/caption$/, '/body/text'],
];
const LOCATION_RENAMES: readonly Rename[] = [
  [/^\/message\/(latitude|longitude)$/, '/body/location/$1'],
  [/^\/message\/title$/, '/body/text'],
];
/** What buttons and lists share: their text, header and footer. */
const INTERACTIVE_RENAMES: readonly Rename[] = [
  [/^\/message\/text$/, '/body/text'],
  [/^\/message\/header\/text$/, '/header/text'],
  [/^\/message\/header\/imageUrl$/, '/header/media_url'],
  [/^\/message\/header(\/.*)?$/, '/header/text'],
  [/^\/message\/footer$/, '/footer'],
];
const BUTTON_RENAMES: readonly Rename[] = [
  ...INTERACTIVE_RENAMES,
  [/^\/message\/actions\/(\d+)\/title$/, '/body/button/$1/title'],
  [/^\/message\/actions\/(\d+)\/payload$/, '/body/button/$1/key'],
  [/^\/message\/actions(\/.*)?$/, '/body/button'],
];
const LIST_RENAMES: readonly Rename[] = [
  ...INTERACTIVE_RENAMES,
  [/^\/message\/buttonText$/, '/body/list/title'],
  [/^\/message\/sections\/(\d+)\/title$/, '/body/list/sections/$1/title'],
  [/^\/message\/sections\/(\d+)\/rows\/(\d+)\/id$/, '/body/list/sections/$1/actions/$2/key'],
  [/^\/message\/sections\/(\d+)\/rows\/(\d+)\/(title|description)$/, '/body/list/sections/$1/actions/$2/$3'],
  [/^\/message\/sections\/(\d+)\/rows(\/.*)?$/, '/body/list/sections/$1/actions'],
  [/^\/message\/sections(\/.*)?$/, '/body/list/sections'],
];

/** The fields every request needs whatever its type, beyond what the schema requires. */
export function requestIssues(body: SendRequest): KonnekIssue[] {
  const timestamp = given(body.timestamp) ? body.timestamp : body.timestampt;
  if (!given(timestamp))
    return [{ field: 'timestamp', detail: 'is required (the date and time of sending)' }];
  if (!DATE_TIME.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    const field = given(body.timestamp) ? 'timestamp' : 'timestampt';
    return [{ field, detail: 'must be a date and time, e.g. 2023-11-10T12:38:08.153726382+07:00' }];
  }
  return [];
}

export function translate(body: SendRequest): TranslationResult {
  const b = body.body ?? {};
  const issues: KonnekIssue[] = [];
  const required = (field: string, value: string | undefined, why = ''): value is string => {
    if (given(value)) return true;
    issues.push({ field, detail: `is required${why}` });
    return false;
  };
  switch (body.type) {
    case 'text': {
      if (!required('body.text', b.text, ' for type text')) return { issues };
      return { message: { type: 'text', text: b.text }, renames: [[/^\/message\/text$/, '/body/text']] };
    }
    case 'image':
    case 'video':
    case 'audio': {
      const url = b.media?.url;
      if (!required('body.media.url', url, ` for type ${body.type}`)) return { issues };
      return {
        message: {
          type: 'media',
          mediaType: MEDIA_TYPES[body.type],
          url,
          ...(given(b.media?.name) ? { fileName: b.media.name } : {}),
          ...(given(b.text) ? { caption: b.text } : {}),
        },
        renames: MEDIA_RENAMES,
      };
    }
    case 'location': {
      const { latitude, longitude } = b.location ?? {};
      if (latitude === undefined)
        issues.push({ field: 'body.location.latitude', detail: 'is required for type location' });
      if (longitude === undefined)
        issues.push({ field: 'body.location.longitude', detail: 'is required for type location' });
      if (latitude === undefined || longitude === undefined) return { issues };
      return {
        message: { type: 'location', latitude, longitude, ...(given(b.text) ? { title: b.text } : {}) },
        renames: LOCATION_RENAMES,
      };
    }
    case 'button':
      return buttons(body, issues, required);
    case 'list':
      return list(body, issues, required);
  }
}

type RequireField = (field: string, value: string | undefined, why?: string) => value is string;

function buttons(body: SendRequest, issues: KonnekIssue[], required: RequireField): TranslationResult {
  const b = body.body ?? {};
  const text = b.text;
  required('body.text', text, ': the text above the buttons');
  const listed = b.button === undefined ? [] : Array.isArray(b.button) ? b.button : [b.button];
  if (listed.length === 0) issues.push({ field: 'body.button', detail: 'is required for type button' });
  const actions = listed.map((button: KonnekButton, i) => {
    required(`body.button[${i}].key`, button.key);
    required(`body.button[${i}].title`, button.title);
    return { type: 'reply' as const, title: button.title ?? '', payload: button.key ?? '' };
  });
  const header = headerOf(body.header, issues, required);
  const footer = footerOf(body.footer, required);
  if (issues.length > 0 || !given(text)) return { issues };
  const message: MessageOf<'buttons'> = {
    type: 'buttons',
    text,
    ...(header?.type === 'text' ? { header: { text: header.value } } : {}),
    // A video or document header goes as the image of the canonical equivalent (see Translation).
    ...(header !== undefined && header.type !== 'text' ? { header: { imageUrl: header.value } } : {}),
    ...(footer !== undefined ? { footer } : {}),
    actions,
  };
  const mediaHeader =
    header?.type === 'video' || header?.type === 'document'
      ? { type: header.type, url: header.value }
      : undefined;
  return { message, renames: BUTTON_RENAMES, ...(mediaHeader ? { mediaHeader } : {}) };
}

function list(body: SendRequest, issues: KonnekIssue[], required: RequireField): TranslationResult {
  const b = body.body ?? {};
  const text = b.text;
  required('body.text', text, ': the text above the list');
  const title = b.list?.title;
  if (b.list === undefined) issues.push({ field: 'body.list', detail: 'is required for type list' });
  else required('body.list.title', title, ': the label of the button that opens the list');
  const listed = b.list?.sections ?? [];
  if (b.list !== undefined && listed.length === 0) {
    issues.push({ field: 'body.list.sections', detail: 'must have at least one section' });
  }
  const sections = listed.map((section, s) => {
    const at = `body.list.sections[${s}]`;
    required(`${at}.title`, section.title);
    required(`${at}.description`, section.description);
    const actions = section.actions ?? [];
    if (actions.length === 0)
      issues.push({ field: `${at}.actions`, detail: 'must have at least one action' });
    return {
      title: section.title ?? '',
      rows: actions.map((action, a) => {
        required(`${at}.actions[${a}].key`, action.key);
        required(`${at}.actions[${a}].title`, action.title);
        required(`${at}.actions[${a}].description`, action.description);
        return { id: action.key ?? '', title: action.title ?? '', description: action.description ?? '' };
      }),
    };
  });
  const header = headerOf(body.header, issues, required);
  if (header !== undefined && header.type !== 'text') {
    issues.push({ field: 'header.type', detail: `a list's header is text only, not ${header.type}` });
  }
  const footer = footerOf(body.footer, required);
  if (issues.length > 0 || !given(text) || !given(title)) return { issues };
  return {
    message: {
      type: 'list',
      text,
      buttonText: title,
      ...(header !== undefined ? { header: header.value } : {}),
      ...(footer !== undefined ? { footer } : {}),
      // A section's description has no place on any channel's list (WhatsApp's sections have a
      // title only); docs/compat/konnek.md says so.
      sections,
    },
    renames: LIST_RENAMES,
  };
}

/** The header of a button or list message: none when every field is empty, as in the sample. */
function headerOf(
  header: KonnekHeader | undefined,
  issues: KonnekIssue[],
  required: RequireField,
): { type: HeaderType; value: string } | undefined {
  if (header === undefined || (!given(header.type) && !given(header.text) && !given(header.media_url))) {
    return undefined;
  }
  if (!required('header.type', header.type)) return undefined;
  if (!isHeaderType(header.type)) {
    issues.push({ field: 'header.type', detail: `must be one of: ${HEADER_TYPES.join(', ')}` });
    return undefined;
  }
  if (header.type === 'text') {
    return required('header.text', header.text, ' for a text header')
      ? { type: 'text', value: header.text }
      : undefined;
  }
  return required(
    'header.media_url',
    header.media_url,
    ` for a${header.type === 'image' ? 'n' : ''} ${header.type} header`,
  )
    ? { type: header.type, value: header.media_url }
    : undefined;
}

/**
 * The footer: a title and a text, both mandatory in the table; the canonical footer is one text,
 * so they are joined on two lines, the title first.
 */
function footerOf(footer: KonnekFooter | undefined, required: RequireField): string | undefined {
  if (footer === undefined || (!given(footer.title) && !given(footer.text))) return undefined;
  const title = required('footer.title', footer.title) ? footer.title : undefined;
  const text = required('footer.text', footer.text) ? footer.text : undefined;
  return title !== undefined && text !== undefined ? `${title}\n${text}` : undefined;
}
