/**
 * Canonical message → one Send API request, `POST /{version}/me/messages`. Shared by Messenger and
 * Instagram (their differences come in the flavour). The token is applied by `authorize`, so the
 * stored request never holds it.
 */

import type {
  Degradation,
  NumberedChoice,
  RenderContext,
  RenderResult,
} from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import type { SendApiFlavor } from '../families/send-api/flavor.ts';
import { optionsOf } from '../kit/options.ts';
import { GRAPH_VERSION } from './limits.ts';
import { MessengerOptions } from './options.ts';
import {
  attachment,
  button,
  genericTemplate,
  locationText,
  numberedList,
  paragraphs,
  quickReplies,
  receiptTemplate,
  receiptText,
  type SendApiButton,
} from './render-parts.ts';

export const SEND_PATH = `/${GRAPH_VERSION}/me/messages`;

type Json = Record<string, unknown>;

interface Draft {
  message?: Json;
  senderAction?: string;
  choices?: NumberedChoice[];
}

export function renderSendApi(
  f: SendApiFlavor,
  message: CanonicalMessage,
  ctx: RenderContext,
  options: MessengerOptions,
): RenderResult {
  const degradations: Degradation[] = [];
  const recipient = { id: ctx.to };
  if (message.type === 'raw') {
    const payload = { ...(message.payload as Json) };
    const body: Json = { recipient, ...payload };
    if (payload['message'] !== undefined && payload['messaging_type'] === undefined) {
      Object.assign(body, envelope(f, options));
    }
    return { request: { method: 'POST', path: SEND_PATH, body }, degradations };
  }
  const draft = renderDraft(f, message, degradations);
  const body: Json =
    draft.senderAction !== undefined
      ? { recipient, sender_action: draft.senderAction }
      : { recipient, ...envelope(f, options), message: draft.message ?? {} };
  return {
    request: { method: 'POST', path: SEND_PATH, body },
    degradations,
    ...(draft.choices !== undefined ? { choices: draft.choices } : {}),
  };
}

export function renderMessenger(
  f: SendApiFlavor,
  message: CanonicalMessage,
  ctx: RenderContext,
): RenderResult {
  return renderSendApi(f, message, ctx, optionsOf(MessengerOptions, ctx.options));
}

function envelope(f: SendApiFlavor, o: MessengerOptions): Json {
  const out: Json = {};
  if (o.messagingType !== undefined || f.alwaysMessagingType)
    out['messaging_type'] = o.messagingType ?? 'RESPONSE';
  if (o.messagingType === 'MESSAGE_TAG' && o.tag !== undefined) out['tag'] = o.tag;
  if (f.notificationType && o.notificationType !== undefined) out['notification_type'] = o.notificationType;
  return out;
}

function renderDraft(
  f: SendApiFlavor,
  message: Exclude<CanonicalMessage, { type: 'raw' }>,
  d: Degradation[],
): Draft {
  switch (message.type) {
    case 'text':
      return { message: { text: message.text } };
    case 'media':
      return { message: { attachment: attachment(f, message, d) } };
    case 'location':
      return { message: { text: locationText(f, message, d) } };
    case 'buttons':
      return { message: renderButtons(f, message, d) };
    case 'quick_replies': {
      const r = quickReplies(f, message.replies, '/message/replies', d);
      const text = paragraphs(message.text, r.lines.join('\n'));
      return { message: { text, ...(r.replies.length > 0 ? { quick_replies: r.replies } : {}) } };
    }
    case 'carousel':
      return { message: { attachment: genericTemplate(f, message, d) } };
    case 'list': {
      const r = numberedList(f, message, d);
      return {
        message: { text: r.text, ...(r.replies.length > 0 ? { quick_replies: r.replies } : {}) },
        choices: r.choices,
      };
    }
    case 'receipt':
      if (f.receiptTemplate) return { message: { attachment: receiptTemplate(message) } };
      d.push({ pointer: '/message', from: 'receipt', to: 'formatted text', rule: `${f.name}_no_receipt` });
      return { message: { text: receiptText(message) } };
    case 'sender_action':
      return { senderAction: message.action };
    // Refused by capability before render; rendered as text so render stays total.
    case 'sticker':
      return { message: { text: message.stickerId } };
    case 'imagemap':
      return { message: { text: message.altText } };
    case 'template':
      return { message: { text: message.name } };
  }
}

/** The body text of a buttons message with its header text, title and footer folded in. */
export function buttonsText(message: MessageOf<'buttons'>, lines: string[]): string {
  return paragraphs(message.header?.text, message.title, message.text, message.footer, lines.join('\n'));
}

function renderButtons(f: SendApiFlavor, message: MessageOf<'buttons'>, d: Degradation[]): Json {
  if (message.header?.text !== undefined) {
    d.push({
      pointer: '/message/header/text',
      from: 'header',
      to: 'first paragraph of the text',
      rule: `${f.name}_no_header`,
    });
  }
  if (message.header?.imageUrl !== undefined) {
    d.push({
      pointer: '/message/header/imageUrl',
      from: 'header image',
      to: 'dropped: the button template has no image (a carousel card has)',
      rule: `${f.name}_no_header_image`,
    });
  }
  if (message.title !== undefined) {
    d.push({
      pointer: '/message/title',
      from: 'title',
      to: 'paragraph before the text',
      rule: `${f.name}_no_title`,
    });
  }
  if (message.footer !== undefined) {
    d.push({
      pointer: '/message/footer',
      from: 'footer',
      to: 'last paragraph of the text',
      rule: `${f.name}_no_footer`,
    });
  }
  const buttons: SendApiButton[] = [];
  const lines: string[] = [];
  message.actions.forEach((a, i) => {
    const r = button(f, a, `/message/actions/${i}`, d);
    if (r === undefined) return;
    if ('button' in r) buttons.push(r.button);
    else lines.push(r.line);
  });
  const text = buttonsText(message, lines);
  if (buttons.length === 0) {
    d.push({
      pointer: '/message/actions',
      from: 'buttons',
      to: 'plain text: no action could be a button',
      rule: `${f.name}_no_buttons_left`,
    });
    return { text };
  }
  return { attachment: { type: 'template', payload: { template_type: 'button', text, buttons } } };
}
