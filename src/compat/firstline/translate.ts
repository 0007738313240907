/**
 * A FIRST LINE message as the canonical message that says the same thing, so it renders natively
 * (or degrades by the connector's rules, recorded) on every channel FIRST LINE addresses. Each
 * canonical field's origin is recorded in a PathMap for the error answers.
 *
 * FIRST LINE's option `value` is "the message value to send": tapping a text option sends that
 * text as the person, which is the canonical `message` action (a `reply` postback would come back
 * as data, not as what the person said).
 */
import type { Action, CanonicalMessage, MessageOf } from '../../core/index.ts';
import { PathMap } from './paths.ts';
import type { CarouselBody, ImageAction, ImageCarouselBody, OptionsBody, PushRequest } from './schema.ts';

type Card = MessageOf<'carousel'>['cards'][number];

export interface Translation {
  message: CanonicalMessage;
  paths: PathMap;
}

export function toCanonical(request: PushRequest): Translation {
  const paths = new PathMap();
  switch (request.type) {
    case 'text':
      paths.set('/message/text', 'message');
      return { message: { type: 'text', text: request.message }, paths };
    case 'button':
      return {
        message: {
          type: 'buttons',
          text: request.message.explain_text,
          actions: options(request.message, '/message/actions', paths),
        },
        paths: paths.set('/message/text', 'message.explain_text'),
      };
    case 'quickreply':
      return {
        message: {
          type: 'quick_replies',
          text: request.message.explain_text,
          replies: options(request.message, '/message/replies', paths),
        },
        paths: paths.set('/message/text', 'message.explain_text'),
      };
    case 'carousel':
      return { message: carousel(request.message, paths), paths };
    case 'image_carousel':
      return { message: imageCarousel(request.message, paths), paths };
  }
}

/** What tapping does, from FIRST LINE's type and its fields; `at` is the native action's pointer. */
interface Tap {
  type: 'text' | 'url' | 'phonenumber';
  url?: string | null | undefined;
  number?: string | null | undefined;
  value?: string | null | undefined;
}

function action(title: string, tap: Tap, at: string, from: string, paths: PathMap): Action {
  // The schema requires url / number for their types, so the fallbacks below are never taken.
  switch (tap.type) {
    case 'url':
      paths.set(`${at}/url`, `${from}.url`);
      return { type: 'url', title, url: tap.url ?? '' };
    case 'phonenumber':
      paths.set(`${at}/phoneNumber`, `${from}.number`);
      return { type: 'call', title, phoneNumber: tap.number ?? '' };
    case 'text':
      if (tap.value) paths.set(`${at}/text`, `${from}.value`);
      // An empty value sends the words on the button, as a tap on a plain reply does.
      return { type: 'message', title, text: tap.value || title };
  }
}

function options(body: OptionsBody, pointer: string, paths: PathMap): Action[] {
  paths.set(pointer, 'message.options');
  return body.options.map((o, i) => {
    const at = `${pointer}/${i}`;
    const from = `message.options.${i}`;
    paths.set(at, from).set(`${at}/title`, `${from}.label`).set(`${at}/text`, `${from}.label`);
    return action(o.label, o, at, from, paths);
  });
}

function carousel(body: CarouselBody, paths: PathMap): MessageOf<'carousel'> {
  paths.set('/message/cards', 'message.columns');
  const cards = body.columns.map((column, i): Card => {
    const at = `/message/cards/${i}`;
    const from = `message.columns.${i}`;
    paths
      .set(at, from)
      .set(`${at}/imageUrl`, `${from}.image_url`)
      .set(`${at}/title`, `${from}.title`)
      .set(`${at}/text`, `${from}.text`)
      .set(`${at}/actions`, `${from}.actions`);
    const actions = (column.actions ?? []).map((a, j) => {
      const a2 = `${at}/actions/${j}`;
      const f2 = `${from}.actions.${j}`;
      // The label is shown when given, else the text (the schema requires one of them).
      const titleField = a.label ? 'label' : 'text';
      const title = a.label || a.text || '';
      paths.set(a2, f2).set(`${a2}/title`, `${f2}.${titleField}`).set(`${a2}/text`, `${f2}.${titleField}`);
      return action(title, a, a2, f2, paths);
    });
    return {
      ...(column.image_url ? { imageUrl: column.image_url } : {}),
      ...(column.title ? { title: column.title } : {}),
      ...(column.text ? { text: column.text } : {}),
      ...(actions.length > 0 ? { actions } : {}),
    };
  });
  return { type: 'carousel', cards };
}

/**
 * An image carousel column shows an image, a badge and one button over it. The button's text is
 * the card's title (the words the column shows; channels whose cards need a title get one), and
 * with an action it is also the button that performs it, in the button's colour.
 */
function imageCarousel(body: ImageCarouselBody, paths: PathMap): MessageOf<'carousel'> {
  paths.set('/message/cards', 'message.columns').set('/message/imageAspectRatio', 'message');
  const cards = body.columns.map((column, i): Card => {
    const at = `/message/cards/${i}`;
    const from = `message.columns.${i}`;
    paths
      .set(at, from)
      .set(`${at}/imageUrl`, `${from}.image_url`)
      .set(`${at}/title`, `${from}.button.text`)
      .set(`${at}/actions`, `${from}.action`)
      .set(`${at}/actions/0`, `${from}.action`)
      .set(`${at}/actions/0/title`, `${from}.button.text`)
      .set(`${at}/actions/0/text`, `${from}.button.text`)
      .set(`${at}/badge`, `${from}.badge`)
      .set(`${at}/badge/text`, `${from}.badge.text`)
      .set(`${at}/badge/color`, `${from}.badge.background_color`)
      .set(`${at}/buttonColor`, `${from}.button.background_color`);
    const tap = imageTap(column.action);
    const badge = column.badge;
    return {
      imageUrl: column.image_url,
      title: column.button.text,
      ...(tap
        ? {
            actions: [action(column.button.text, tap, `${at}/actions/0`, `${from}.action`, paths)],
            ...(column.button.background_color ? { buttonColor: column.button.background_color } : {}),
          }
        : {}),
      ...(badge
        ? {
            badge: { text: badge.text, ...(badge.background_color ? { color: badge.background_color } : {}) },
          }
        : {}),
    };
  });
  // LINE's image carousel images are square; the canonical carousel says so for every channel.
  return { type: 'carousel', cards, imageAspectRatio: 'square' };
}

/** The column's action, or none: the documents allow `action` (or its `type`) to be null. */
export function imageTap(a: ImageAction | null | undefined): Tap | undefined {
  if (!a?.type) return undefined;
  return { type: a.type, url: a.url, number: a.number, value: a.value };
}
