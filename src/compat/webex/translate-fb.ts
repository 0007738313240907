/**
 * Webex's `channels.OTT-Messaging.fb` object → a native message for the messenger channel.
 *
 * Whatever the canonical model can say is said canonically (text, quick replies, media, generic /
 * button / receipt templates, sender actions), so the message goes through Omnigate's checks and
 * renderers like any other. A block that carries something the canonical model has no field for
 * (an image on a quick reply, a receipt's address or adjustments, `metadata`, a button's webview
 * settings) go as `raw`: the Send API body Webex's object already is, so nothing the client sent
 * is lost. The deprecated airline templates are accepted (1001) and then failed by the gateway
 * itself, never sent, the client told by a delivery notification, as seed 003 says of each: "…
 * is deprecated and the messaging API call will fail with a delivery receipt notification."
 */
import type { Action, CanonicalMessage } from '../../core/index.ts';
import { isObj, type Obj } from '../../lib/json.ts';
import { refusal, worded } from './answer.ts';
import { type FieldMapper, fieldsUnder, firstOf } from './fields.ts';
import { DEPRECATED_TEMPLATE_CODE } from './notification.ts';
import type { FbMessage } from './schema.ts';

export const FB = 'channels.OTT-Messaging.fb';
const PAYLOAD = `${FB}.attachment.payload`;

export const DEPRECATED_TEMPLATES = [
  'airline_itinerary',
  'airline_checkin',
  'airline_boardingpass',
  'airline_update',
] as const;
const TEMPLATE_TYPES = ['generic', 'button', 'receipt', ...DEPRECATED_TEMPLATES];

/**
 * Seed 003's words for each (its "Airline Boarding Pass Template" section says "Airline Flight
 * Update Template is deprecated", a copy of the next section's line: the template is named here).
 */
const DEPRECATION: Record<(typeof DEPRECATED_TEMPLATES)[number], string> = {
  airline_itinerary:
    'Airline Itinerary Template is deprecated and the messaging API call will fail with a delivery receipt notification.',
  airline_checkin:
    'Airline Check-in Template is deprecated and the messaging API call will fail with a delivery receipt notification.',
  airline_boardingpass:
    'Airline Boarding Pass Template is deprecated and the messaging API call will fail with a delivery receipt notification.',
  airline_update:
    'Airline Flight Update Template is deprecated and the API calls will fail notified on message delivery receipt.',
};

export interface TranslatedContent {
  message: CanonicalMessage;
  /** `options.<channel>` of the native send. */
  options?: Record<string, unknown>;
  fields: FieldMapper;
  /** Accepted, then failed by the gateway (a deprecated template). */
  failAfterAccept?: { code: string; reason: string };
}

const missing = (field: string) => refusal('mandatoryMissing', field);
const invalid = (field: string, why: string) => refusal('invalidParameters', `${field} ${why}`);

/** Every key of `o` is one of `keys`: the canonical form can hold all of it. */
const only = (o: Obj, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));

export function translateFb(fb: FbMessage): TranslatedContent {
  const options = envelope(fb);
  const optionFields = fieldsUnder('/options/messenger', FB, { messagingType: 'messaging_type' });
  if (fb.sender_action !== undefined) {
    if (fb.text !== undefined || fb.attachment !== undefined || fb.quick_replies !== undefined) {
      throw invalid(`${FB}.sender_action`, 'goes alone: without text, attachment or quick_replies');
    }
    const action = fb.sender_action === 'markseen' ? 'mark_seen' : fb.sender_action;
    return {
      message: { type: 'sender_action', action },
      fields: firstOf(fieldsUnder('/message/action', `${FB}.sender_action`), optionFields),
    };
  }
  if (fb.text !== undefined && fb.attachment !== undefined) {
    throw invalid(FB, 'has text and attachment; give one of text, attachment or sender_action');
  }
  if ((fb.text === undefined || fb.text === '') && fb.attachment === undefined) {
    // The document's own words for this case (API Status Codes, 7003).
    throw worded('mandatoryMissing', "param 'text' missing for channel fb");
  }
  const canonical = canonicalOf(fb);
  if (canonical !== undefined) {
    return { ...canonical, options, fields: firstOf(canonical.fields, optionFields) };
  }
  const { text, attachment, quick_replies, metadata } = fb;
  const sent = Object.entries({ text, attachment, quick_replies, metadata }).filter(
    ([, v]) => v !== undefined,
  );
  const templateType =
    fb.attachment?.type === 'template' ? (fb.attachment.payload as Obj)['template_type'] : undefined;
  const deprecation = DEPRECATION[templateType as keyof typeof DEPRECATION] as string | undefined;
  return {
    message: { type: 'raw', payload: { message: Object.fromEntries(sent) } },
    options,
    ...(deprecation !== undefined
      ? { failAfterAccept: { code: DEPRECATED_TEMPLATE_CODE, reason: deprecation } }
      : {}),
    fields: firstOf(
      fieldsUnder('/message/payload/message', FB),
      fieldsUnder('/message/payload', FB),
      optionFields,
    ),
  };
}

/** messaging_type, tag and notification_type as `options.messenger`. */
function envelope(fb: FbMessage): Record<string, unknown> {
  if (fb.messaging_type === 'MESSAGE_TAG' && fb.tag === undefined) {
    throw worded('mandatoryMissing', `param 'tag' missing for messaging_type MESSAGE_TAG in ${FB}`);
  }
  if (fb.tag !== undefined && fb.messaging_type !== 'MESSAGE_TAG') {
    throw invalid(`${FB}.tag`, 'is sent with messaging_type MESSAGE_TAG only');
  }
  return {
    ...(fb.messaging_type !== undefined ? { messagingType: fb.messaging_type } : {}),
    ...(fb.tag !== undefined ? { tag: fb.tag } : {}),
    ...(fb.notification_type !== undefined ? { notificationType: fb.notification_type } : {}),
  };
}

type Canonical = { message: CanonicalMessage; fields: FieldMapper };

/** The canonical form of the block, or undefined when it holds something only `raw` can carry. */
function canonicalOf(fb: FbMessage): Canonical | undefined {
  if (fb.metadata !== undefined) return undefined;
  if (fb.text !== undefined) {
    if (fb.quick_replies === undefined) {
      return { message: { type: 'text', text: fb.text }, fields: fieldsUnder('/message', FB) };
    }
    const replies = quickReplies(fb.quick_replies);
    if (replies === undefined) return undefined;
    return {
      message: { type: 'quick_replies', text: fb.text, replies },
      fields: fieldsUnder('/message', FB, { replies: 'quick_replies' }),
    };
  }
  // Quick replies under an attachment: the canonical quick replies hang on text.
  if (fb.quick_replies !== undefined || fb.attachment === undefined) return undefined;
  const { type } = fb.attachment;
  const payload = fb.attachment.payload as Obj;
  if (type !== 'template') return media(type, payload);
  const templateType = payload['template_type'];
  if (typeof templateType !== 'string') throw missing(`${PAYLOAD}.template_type`);
  if (!TEMPLATE_TYPES.includes(templateType)) {
    throw invalid(`${PAYLOAD}.template_type`, `must be one of ${TEMPLATE_TYPES.join(', ')}`);
  }
  switch (templateType) {
    case 'generic':
      return generic(payload);
    case 'button':
      return buttonTemplate(payload);
    case 'receipt':
      return receipt(payload);
    default:
      // The deprecated airline templates have no canonical form: they go as sent (see above).
      return undefined;
  }
}

function quickReplies(replies: NonNullable<FbMessage['quick_replies']>): Action[] | undefined {
  if (replies.some((r) => r.image_url !== undefined)) return undefined;
  return replies.map((r, i): Action => {
    const at = `${FB}.quick_replies[${i}]`;
    if (r.content_type === 'location') {
      // Messenger retired the location quick reply; the native renderer drops it and records why.
      return { type: 'location_request', title: r.title ?? 'Send location' };
    }
    if (r.title === undefined) throw missing(`${at}.title`);
    if (r.payload === undefined) throw missing(`${at}.payload`);
    return { type: 'reply', title: r.title, payload: r.payload };
  });
}

const MEDIA_TYPES = { image: 'image', audio: 'audio', video: 'video', file: 'file' } as const;

function media(type: keyof typeof MEDIA_TYPES, payload: Obj): Canonical | undefined {
  // The renderer marks a URL attachment reusable; any other setting needs the block as sent.
  if (!only(payload, ['url', 'attachment_id', 'is_reusable']) || payload['is_reusable'] === false) {
    return undefined;
  }
  const url = payload['url'];
  const id = payload['attachment_id'];
  if (url === undefined && id === undefined) throw missing(`${PAYLOAD}.url`);
  return {
    message: {
      type: 'media',
      mediaType: MEDIA_TYPES[type],
      ...(typeof id === 'string' ? { mediaId: id } : { url: String(url) }),
    },
    fields: fieldsUnder('/message', PAYLOAD, { mediaId: 'attachment_id' }),
  };
}

/** A Send API button as a canonical action; undefined when it has settings the action lacks. */
function action(button: unknown, at: string): Action | undefined {
  if (!isObj(button)) throw invalid(at, 'must be an object');
  const { type, title } = button;
  if (typeof type !== 'string') throw missing(`${at}.type`);
  if (typeof title !== 'string') throw missing(`${at}.title`);
  const value = (key: string) => {
    const v = button[key];
    if (typeof v !== 'string') throw missing(`${at}.${key}`);
    return v;
  };
  if (!only(button, ['type', 'title', type === 'web_url' ? 'url' : 'payload'])) return undefined;
  switch (type) {
    case 'web_url':
      return { type: 'url', title, url: value('url') };
    case 'postback':
      return { type: 'reply', title, payload: value('payload') };
    case 'phone_number':
      return { type: 'call', title, phoneNumber: value('payload') };
    default:
      throw invalid(`${at}.type`, 'must be one of web_url, postback, phone_number');
  }
}

function actions(buttons: unknown, at: string): Action[] | undefined {
  if (buttons === undefined) return [];
  if (!Array.isArray(buttons)) throw invalid(at, 'must be an array');
  const out: Action[] = [];
  for (const [i, b] of buttons.entries()) {
    const a = action(b, `${at}[${i}]`);
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

function generic(payload: Obj): Canonical | undefined {
  if (!only(payload, ['template_type', 'elements', 'image_aspect_ratio'])) return undefined;
  const elements = payload['elements'];
  if (!Array.isArray(elements)) throw missing(`${PAYLOAD}.elements`);
  const cards = [];
  for (const [i, element] of elements.entries()) {
    const at = `${PAYLOAD}.elements[${i}]`;
    if (!isObj(element)) throw invalid(at, 'must be an object');
    if (!only(element, ['title', 'subtitle', 'image_url', 'item_url', 'default_action', 'buttons'])) {
      return undefined;
    }
    const title = element['title'];
    if (typeof title !== 'string') throw missing(`${at}.title`);
    const cardActions = actions(element['buttons'], `${at}.buttons`);
    if (cardActions === undefined) return undefined;
    // Meta replaced `item_url` by a web_url `default_action`; both open the URL on a tap.
    const tap = defaultAction(element, title);
    if (tap === null) return undefined;
    cards.push({
      title,
      ...(typeof element['subtitle'] === 'string' ? { text: element['subtitle'] } : {}),
      ...(typeof element['image_url'] === 'string' ? { imageUrl: element['image_url'] } : {}),
      ...(cardActions.length > 0 ? { actions: cardActions } : {}),
      ...(tap !== undefined ? { defaultAction: tap } : {}),
    });
  }
  const ratio = payload['image_aspect_ratio'];
  return {
    message: {
      type: 'carousel',
      cards,
      ...(ratio === 'square' ? { imageAspectRatio: 'square' as const } : {}),
      ...(ratio === 'horizontal' ? { imageAspectRatio: 'rectangle' as const } : {}),
    },
    fields: fieldsUnder('/message', PAYLOAD, {
      cards: 'elements',
      text: 'subtitle',
      actions: 'buttons',
      phoneNumber: 'payload',
      imageAspectRatio: 'image_aspect_ratio',
    }),
  };
}

/** The card's tap as an action; undefined without one, null when it has settings the action lacks. */
function defaultAction(element: Obj, title: string): Action | undefined | null {
  const tap = element['default_action'];
  if (tap !== undefined) {
    if (!isObj(tap) || !only(tap, ['type', 'url']) || tap['type'] !== 'web_url') return null;
    return typeof tap['url'] === 'string' ? { type: 'url', title, url: tap['url'] } : null;
  }
  const itemUrl = element['item_url'];
  return typeof itemUrl === 'string' ? { type: 'url', title, url: itemUrl } : undefined;
}

function buttonTemplate(payload: Obj): Canonical | undefined {
  if (!only(payload, ['template_type', 'text', 'buttons'])) return undefined;
  const text = payload['text'];
  if (typeof text !== 'string' || text === '') {
    throw worded('mandatoryMissing', "param 'text' missing for channel fb");
  }
  const buttonActions = actions(payload['buttons'], `${PAYLOAD}.buttons`);
  if (buttonActions === undefined) return undefined;
  return {
    message: { type: 'buttons', text, actions: buttonActions },
    fields: fieldsUnder('/message', PAYLOAD, { actions: 'buttons', phoneNumber: 'payload' }),
  };
}

const RECEIPT_KEYS = ['template_type', 'recipient_name', 'order_number', 'currency', 'payment_method'];

function receipt(payload: Obj): Canonical | undefined {
  // order_url, timestamp, address and adjustments have no canonical field: the block goes as sent.
  if (!only(payload, [...RECEIPT_KEYS, 'elements', 'summary'])) return undefined;
  for (const key of RECEIPT_KEYS.slice(1)) {
    if (typeof payload[key] !== 'string') throw missing(`${PAYLOAD}.${key}`);
  }
  const currency = payload['currency'] as string;
  const elements = payload['elements'];
  const summary = payload['summary'];
  if (!Array.isArray(elements)) throw missing(`${PAYLOAD}.elements`);
  if (!isObj(summary)) throw missing(`${PAYLOAD}.summary`);
  const items = [];
  for (const [i, e] of elements.entries()) {
    if (!isObj(e)) throw invalid(`${PAYLOAD}.elements[${i}]`, 'must be an object');
    const sameCurrency = e['currency'] === undefined || e['currency'] === currency;
    const known = only(e, ['title', 'subtitle', 'quantity', 'price', 'currency', 'image_url']);
    if (!known || !sameCurrency || typeof e['price'] !== 'number' || typeof e['title'] !== 'string') {
      return undefined;
    }
    items.push({
      title: e['title'],
      price: e['price'],
      ...(typeof e['subtitle'] === 'string' ? { subtitle: e['subtitle'] } : {}),
      ...(typeof e['quantity'] === 'number' ? { quantity: e['quantity'] } : {}),
      ...(typeof e['image_url'] === 'string' ? { imageUrl: e['image_url'] } : {}),
    });
  }
  if (!only(summary, ['subtotal', 'shipping_cost', 'total_tax', 'total_cost'])) return undefined;
  const amount = (key: string) => (typeof summary[key] === 'number' ? (summary[key] as number) : undefined);
  const totalCost = amount('total_cost');
  if (totalCost === undefined) return undefined;
  const subtotal = amount('subtotal');
  const shippingCost = amount('shipping_cost');
  const totalTax = amount('total_tax');
  return {
    message: {
      type: 'receipt',
      recipientName: payload['recipient_name'] as string,
      orderNumber: payload['order_number'] as string,
      currency,
      paymentMethod: payload['payment_method'] as string,
      elements: items,
      summary: {
        totalCost,
        ...(subtotal !== undefined ? { subtotal } : {}),
        ...(shippingCost !== undefined ? { shippingCost } : {}),
        ...(totalTax !== undefined ? { totalTax } : {}),
      },
    },
    fields: fieldsUnder('/message', PAYLOAD),
  };
}
