/**
 * An Infobip LINE message as what Omnigate sends. Kinds the canonical model says exactly (text,
 * media, location, sticker) become canonical messages, so they get every check and rendering of a
 * native send. Imagemaps and templates go as LINE's own message object (`raw`), because the
 * canonical forms would change what the person sees:
 *
 * - templates carry the caller's `altText` (the push notification text); canonical buttons and
 *   carousels derive theirs from the title and text;
 * - a POSTBACK action is a LINE postback without `displayText` (the tap posts nothing into the
 *   chat); the canonical reply action always echoes its title;
 * - imagemap actions have no label; every canonical action has a title, which LINE would speak;
 * - the canonical model has no confirm template.
 *
 * LINE's connector never looks inside a raw message, so for those the same limits are checked here,
 * by the connector's own checks on the canonical twin of the message (or, for confirm, its action
 * checks), before anything is stored.
 */
import { checkActions, LINE_LIMITS, LineIssues } from '../../channels/line/public.ts';
import type { Action, CanonicalMessage, ChannelConnector, FieldIssue, MessageOf } from '../../core/index.ts';
import { ACTION_RENAMES, type Rename } from './fields.ts';
import type { InfobipMessage, InfobipMessageOf, TemplateAction } from './schema.ts';

export interface Translation {
  /** What is sent. */
  message: CanonicalMessage;
  /** LINE's limits broken by a raw message, with pointers into the canonical twin. */
  issues: FieldIssue[];
  /** How this translation's pointers map back onto the Infobip message (fields.ts). */
  renames: readonly Rename[];
}

const MEDIA_RENAMES: readonly Rename[] = [
  [/^\/message\/previewUrl$/, '/message/thumbnailUrl'],
  [/^\/message\/durationMs$/, '/message/duration'],
];

export function translate(message: InfobipMessage, line: ChannelConnector): Translation {
  const canonical = (m: CanonicalMessage, renames: readonly Rename[] = []): Translation => ({
    message: m,
    issues: [],
    renames,
  });
  switch (message.type) {
    case 'TEXT':
      return canonical({ type: 'text', text: message.text });
    case 'IMAGE':
    case 'VIDEO':
      return canonical(
        {
          type: 'media',
          mediaType: message.type === 'IMAGE' ? 'image' : 'video',
          url: message.url,
          ...(message.thumbnailUrl !== undefined ? { previewUrl: message.thumbnailUrl } : {}),
        },
        MEDIA_RENAMES,
      );
    case 'AUDIO':
      return canonical(
        {
          type: 'media',
          mediaType: 'audio',
          url: message.url,
          ...(message.duration !== undefined ? { durationMs: message.duration } : {}),
        },
        MEDIA_RENAMES,
      );
    case 'LOCATION':
      return canonical({
        type: 'location',
        latitude: message.latitude,
        longitude: message.longitude,
        ...(message.title !== undefined ? { title: message.title } : {}),
        ...(message.address !== undefined ? { address: message.address } : {}),
      });
    case 'STICKER':
      return canonical({ type: 'sticker', packageId: message.packageId, stickerId: message.stickerId });
    case 'IMAGEMAP':
      return imagemap(message, line);
    case 'TEMPLATE':
      return template(message, line);
  }
}

function imagemap(m: InfobipMessageOf<'IMAGEMAP'>, line: ChannelConnector): Translation {
  const payload = {
    type: 'imagemap',
    baseUrl: m.baseUrl,
    altText: m.altText,
    baseSize: { width: m.baseSize.width, height: m.baseSize.height },
    actions: m.actions.map((a) =>
      a.type === 'URI'
        ? { type: 'uri', linkUri: a.linkUri, area: { ...a.area } }
        : { type: 'message', text: a.text, area: { ...a.area } },
    ),
  };
  // The titles exist only because the canonical type demands them. They would be the actions'
  // labels, which this payload has none of, so they are kept short enough never to be refused.
  const twin: MessageOf<'imagemap'> = {
    type: 'imagemap',
    baseUrl: m.baseUrl,
    altText: m.altText,
    width: m.baseSize.width,
    height: m.baseSize.height,
    areas: m.actions.map((a) => ({
      ...a.area,
      action:
        a.type === 'URI'
          ? { type: 'url', title: 'link', url: a.linkUri }
          : { type: 'message', title: 'message', text: a.text },
    })),
  };
  return {
    message: { type: 'raw', payload },
    issues: line.check(twin),
    renames: [
      [/^\/message\/areas\/(\d+)\/action\/url$/, '/message/areas/$1/linkUri'],
      [/^\/message\/areas\/(\d+)\/action\//, '/message/areas/$1/'],
      [/^\/message\/areas\/(\d+)\/(x|y|width|height)$/, '/message/areas/$1/area/$2'],
      [/^\/message\/areas/, '/message/actions'],
      [/^\/message\/(width|height)$/, '/message/baseSize/$1'],
    ],
  };
}

function template(m: InfobipMessageOf<'TEMPLATE'>, line: ChannelConnector): Translation {
  const t = m.template;
  const altText = new LineIssues();
  altText.maxLength('/message/altText', m.altText, LINE_LIMITS.altText);
  const raw = (body: Record<string, unknown>): CanonicalMessage => ({
    type: 'raw',
    payload: { type: 'template', altText: m.altText, template: body },
  });
  switch (t.type) {
    case 'BUTTONS': {
      const twin: MessageOf<'buttons'> = {
        type: 'buttons',
        text: t.text,
        ...(t.title !== undefined ? { title: t.title } : {}),
        ...(t.thumbnailImageUrl !== undefined ? { header: { imageUrl: t.thumbnailImageUrl } } : {}),
        actions: t.actions.map(canonicalAction),
      };
      return {
        message: raw({
          type: 'buttons',
          ...(t.thumbnailImageUrl !== undefined ? { thumbnailImageUrl: t.thumbnailImageUrl } : {}),
          ...(t.title !== undefined ? { title: t.title } : {}),
          text: t.text,
          actions: t.actions.map(lineAction),
        }),
        issues: [...altText.list, ...line.check(twin)],
        renames: [
          [/^\/message\/header\/imageUrl$/, '/message/template/thumbnailImageUrl'],
          [/^\/message\/(title|text|actions)/, '/message/template/$1'],
          ...ACTION_RENAMES,
        ],
      };
    }
    case 'CONFIRM': {
      const issues = altText;
      issues.maxLength('/message/template/text', t.text, LINE_LIMITS.confirmText, 'graphemes');
      checkActions(issues, '/message/template/actions', t.actions.map(canonicalAction), {
        quickReply: false,
      });
      return {
        message: raw({ type: 'confirm', text: t.text, actions: t.actions.map(lineAction) }),
        issues: issues.list,
        renames: ACTION_RENAMES,
      };
    }
    case 'CAROUSEL': {
      const twin: MessageOf<'carousel'> = {
        type: 'carousel',
        cards: t.columns.map((c) => ({
          ...(c.thumbnailImageUrl !== undefined ? { imageUrl: c.thumbnailImageUrl } : {}),
          ...(c.title !== undefined ? { title: c.title } : {}),
          text: c.text,
          actions: c.actions.map(canonicalAction),
        })),
      };
      const columns = t.columns.map((c) => ({
        ...(c.thumbnailImageUrl !== undefined ? { thumbnailImageUrl: c.thumbnailImageUrl } : {}),
        ...(c.title !== undefined ? { title: c.title } : {}),
        text: c.text,
        actions: c.actions.map(lineAction),
      }));
      return {
        message: raw({ type: 'carousel', columns }),
        issues: [...altText.list, ...line.check(twin)],
        renames: [
          [/^\/message\/cards/, '/message/template/columns'],
          [/\/columns\/(\d+)\/imageUrl$/, '/columns/$1/thumbnailImageUrl'],
          ...ACTION_RENAMES,
        ],
      };
    }
  }
}

/** The LINE action object an Infobip template action means, field for field. */
function lineAction(a: TemplateAction): Record<string, unknown> {
  switch (a.type) {
    case 'POSTBACK':
      return { type: 'postback', label: a.label, data: a.data };
    case 'MESSAGE':
      return { type: 'message', label: a.label, text: a.text };
    case 'URI':
      return { type: 'uri', label: a.label, uri: a.uri };
  }
}

/** The canonical action LINE's checks read for the same limits. */
function canonicalAction(a: TemplateAction): Action {
  switch (a.type) {
    case 'POSTBACK':
      return { type: 'reply', title: a.label, payload: a.data };
    case 'MESSAGE':
      return { type: 'message', title: a.label, text: a.text };
    case 'URI':
      return { type: 'url', title: a.label, url: a.uri };
  }
}
