/**
 * A canonical message as the one WhatsApp Cloud API request that carries it:
 * `POST /v23.0/{phoneNumberId}/messages` with `{messaging_product, recipient_type, to, type, <type>}`.
 * The phone number id stays a placeholder until `authorize`, like the access token.
 */

import type { Degradation, RenderContext, RenderResult } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import type { Obj } from '../../lib/json.ts';
import { optionsOf } from '../kit/options.ts';
import { GRAPH_VERSION } from './limits.ts';
import { WhatsAppOptions } from './options.ts';
import { type Part, renderCarousel, renderChoices, renderList } from './render-interactive.ts';
import { renderTemplate } from './render-template.ts';

export const WHATSAPP_MESSAGES_PATH = `/${GRAPH_VERSION}/{phoneNumberId}/messages`;

type Rendered = Omit<Part, 'type'> & { type: string };

export function renderWhatsApp(message: CanonicalMessage, ctx: RenderContext): RenderResult {
  const options = optionsOf(WhatsAppOptions, ctx.options);
  if (message.type === 'raw') {
    // Marking a message read (with or without the typing indicator) has no recipient or type.
    const payload = message.payload as Obj;
    const body =
      payload['status'] === 'read'
        ? { messaging_product: 'whatsapp', ...payload }
        : { messaging_product: 'whatsapp', recipient_type: 'individual', to: ctx.to, ...payload };
    return { request: { method: 'POST', path: WHATSAPP_MESSAGES_PATH, body }, degradations: [] };
  }
  const part = renderPart(message);
  if (part.type === 'text' && options.previewUrl !== undefined)
    part.payload['preview_url'] = options.previewUrl;
  const body = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: ctx.to,
    ...(options.replyTo !== undefined ? { context: { message_id: options.replyTo } } : {}),
    type: part.type,
    [part.type]: part.payload,
  };
  return {
    request: { method: 'POST', path: WHATSAPP_MESSAGES_PATH, body },
    degradations: part.degradations,
    ...(part.choices !== undefined && part.choices.length > 0 ? { choices: part.choices } : {}),
  };
}

function renderPart(message: Exclude<CanonicalMessage, { type: 'raw' }>): Rendered {
  switch (message.type) {
    case 'text':
      return { type: 'text', payload: { body: message.text, preview_url: false }, degradations: [] };
    case 'media':
      return renderMedia(message);
    case 'location':
      return {
        type: 'location',
        payload: {
          // Meta's OpenAPI types both as strings (decimal degrees).
          latitude: String(message.latitude),
          longitude: String(message.longitude),
          ...(message.title !== undefined ? { name: message.title } : {}),
          ...(message.address !== undefined ? { address: message.address } : {}),
        },
        degradations: [],
      };
    case 'sticker':
      return renderSticker(message);
    case 'buttons':
      return renderButtons(message);
    case 'quick_replies':
      return renderChoices({
        actionsPointer: '/message/replies',
        body: message.text,
        actions: message.replies,
      });
    case 'carousel':
      return renderCarousel(message);
    case 'list':
      return renderList(message);
    case 'template':
      return { type: 'template', payload: renderTemplate(message), degradations: [] };
    case 'receipt':
      return renderReceipt(message);
    case 'imagemap':
    case 'sender_action':
      // The capability table refuses these kinds, so the core never asks; reaching here is a bug.
      throw new Error(`WhatsApp cannot carry ${message.type} messages`);
  }
}

const WA_MEDIA_TYPE = { image: 'image', video: 'video', audio: 'audio', file: 'document' } as const;

function renderMedia(m: MessageOf<'media'>): Rendered {
  const type = WA_MEDIA_TYPE[m.mediaType];
  const degradations: Degradation[] = [];
  const payload: Obj = m.mediaId !== undefined ? { id: m.mediaId } : { link: m.url ?? '' };
  // check() refuses a caption on audio: WhatsApp audio has none.
  if (m.caption !== undefined && type !== 'audio') payload['caption'] = m.caption;
  if (type === 'document' && m.fileName !== undefined) payload['filename'] = m.fileName;
  if (m.previewUrl !== undefined) {
    degradations.push({
      pointer: '/message/previewUrl',
      from: 'preview image',
      to: 'left out (WhatsApp makes its own thumbnail)',
      rule: 'whatsapp_no_preview_image',
    });
  }
  if (m.fileName !== undefined && type !== 'document') {
    degradations.push({
      pointer: '/message/fileName',
      from: 'file name',
      to: 'left out (WhatsApp names only documents)',
      rule: 'whatsapp_filename_documents_only',
    });
  }
  return { type, payload, degradations };
}

function renderSticker(m: MessageOf<'sticker'>): Rendered {
  const payload = /^https?:\/\//i.test(m.stickerId) ? { link: m.stickerId } : { id: m.stickerId };
  const degradations: Degradation[] =
    m.packageId === undefined
      ? []
      : [
          {
            pointer: '/message/packageId',
            from: 'sticker package',
            to: 'left out (WhatsApp stickers are single WebP files)',
            rule: 'whatsapp_no_sticker_package',
          },
        ];
  return { type: 'sticker', payload, degradations };
}

/**
 * A WhatsApp interactive message has one header (text or media) and no title, so the canonical
 * title and header compete for it: an image wins, then header text, then the title; whatever is
 * left leads the body in bold.
 */
function renderButtons(m: MessageOf<'buttons'>): Rendered {
  const candidates = [m.header?.text, m.title].filter((t): t is string => t !== undefined);
  const image = m.header?.imageUrl;
  const headerText = image === undefined ? candidates[0] : undefined;
  const folded = image === undefined ? candidates.slice(1) : candidates;
  const body = folded.length > 0 ? `${folded.map((t) => `*${t}*`).join('\n')}\n\n${m.text}` : m.text;
  const part = renderChoices({
    actionsPointer: '/message/actions',
    body,
    headerText,
    headerImage: image,
    footer: m.footer,
    actions: m.actions,
  });
  const degradations: Degradation[] =
    folded.length > 0
      ? [
          {
            pointer: m.title !== undefined ? '/message/title' : '/message/header/text',
            from: 'title and header',
            to: 'bold first line of the body (a WhatsApp message has one header)',
            rule: 'whatsapp_single_header',
          },
        ]
      : [];
  return { ...part, degradations: [...degradations, ...part.degradations] };
}

function renderReceipt(m: MessageOf<'receipt'>): Rendered {
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: m.currency });
  const lines = [`*Receipt ${m.orderNumber}*`, m.recipientName, ''];
  for (const e of m.elements) {
    const qty = e.quantity !== undefined ? ` × ${e.quantity}` : '';
    lines.push(`${e.title}${qty}: ${money.format(e.price)}`);
    if (e.subtitle !== undefined) lines.push(`  ${e.subtitle}`);
  }
  lines.push('');
  const s = m.summary;
  if (s.subtotal !== undefined) lines.push(`Subtotal: ${money.format(s.subtotal)}`);
  if (s.shippingCost !== undefined) lines.push(`Shipping: ${money.format(s.shippingCost)}`);
  if (s.totalTax !== undefined) lines.push(`Tax: ${money.format(s.totalTax)}`);
  lines.push(`*Total: ${money.format(s.totalCost)}*`, `Paid with ${m.paymentMethod}`);
  const images = m.elements.some((e) => e.imageUrl !== undefined);
  return {
    type: 'text',
    payload: { body: lines.join('\n'), preview_url: false },
    degradations: [
      {
        pointer: '/message',
        from: 'receipt',
        to: `formatted text${images ? ' (item images left out)' : ''}`,
        rule: 'whatsapp_no_receipt',
      },
    ],
  };
}
