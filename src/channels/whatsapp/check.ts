/**
 * WhatsApp's documented limits applied to a canonical message before it is stored, so a request
 * WhatsApp would refuse fails at our API with a pointer into the caller's body. Each form is
 * checked the way render.ts will build it (choices.ts decides the form for both).
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { Action, CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import { codePointLength } from '../../lib/text.ts';
import { Issues } from '../kit/issues.ts';
import { actionsForm, cardBody, carouselForm } from './choices.ts';
import { WA_LIMITS as L, TEMPLATE_NAME, WA_ID } from './limits.ts';
import { carouselBody, numberActions } from './render-interactive.ts';

export function checkWhatsAppRecipient(to: string): string | undefined {
  return WA_ID.test(to)
    ? undefined
    : "a WhatsApp id: the phone number in international format, digits only, without '+' (e.g. 16505551234)";
}

export function checkWhatsAppMessage(message: CanonicalMessage): FieldIssue[] {
  const issues = new Issues('WhatsApp');
  const p = '/message';
  switch (message.type) {
    case 'text':
      issues.maxLength(`${p}/text`, message.text, L.text);
      break;
    case 'media':
      if (message.mediaType === 'audio' && message.caption !== undefined) {
        issues.add(`${p}/caption`, 'channel_capability', 'WhatsApp audio messages have no caption');
      }
      issues.maxLength(`${p}/caption`, message.caption, L.caption, 'characters', 'in a caption');
      break;
    case 'buttons': {
      const folded = [message.header?.text, message.title].filter((t) => t !== undefined).length;
      const headerTaken = message.header?.imageUrl !== undefined;
      const headerText = headerTaken ? undefined : (message.header?.text ?? message.title);
      const extra = folded - (headerText !== undefined ? 1 : 0);
      const bodyPointer = `${p}/text`;
      const foldedLength = extra > 0 ? codePointLength(foldedBody(message)) : codePointLength(message.text);
      checkChoices(issues, {
        actionsPointer: `${p}/actions`,
        actions: message.actions,
        bodyPointer,
        bodyLength: foldedLength,
        headerPointer: message.header?.text !== undefined ? `${p}/header/text` : `${p}/title`,
        headerText,
        footer: message.footer,
      });
      break;
    }
    case 'quick_replies':
      checkChoices(issues, {
        actionsPointer: `${p}/replies`,
        actions: message.replies,
        bodyPointer: `${p}/text`,
        bodyLength: codePointLength(message.text),
      });
      break;
    case 'carousel':
      checkCarousel(issues, message);
      break;
    case 'list':
      checkList(issues, message);
      break;
    case 'template':
      checkTemplate(issues, message);
      break;
    case 'receipt':
    case 'location':
    case 'sticker':
    case 'raw':
    case 'imagemap':
    case 'sender_action':
      // No documented limits beyond the canonical schema; imagemap and sender_action are refused.
      break;
  }
  if (message.type === 'raw') checkRaw(issues, message.payload as Record<string, unknown>);
  return issues.list;
}

function foldedBody(m: MessageOf<'buttons'>): string {
  const candidates = [m.header?.text, m.title].filter((t): t is string => t !== undefined);
  const folded = m.header?.imageUrl === undefined ? candidates.slice(1) : candidates;
  return folded.length > 0 ? `${folded.map((t) => `*${t}*`).join('\n')}\n\n${m.text}` : m.text;
}

interface ChoiceCheck {
  actionsPointer: string;
  actions: readonly Action[];
  bodyPointer: string;
  bodyLength: number;
  headerPointer?: string;
  headerText?: string | undefined;
  footer?: string | undefined;
}

function checkChoices(issues: Issues, c: ChoiceCheck): void {
  const form = actionsForm(c.actions);
  const body = `${c.bodyPointer}`;
  if (form === 'numbered') {
    const { lines } = numberActions(c.actions, 1);
    const extras = [c.headerText, c.footer].reduce(
      (n, t) => n + (t !== undefined ? codePointLength(t) + 4 : 0),
      0,
    );
    const total = c.bodyLength + codePointLength(lines.join('\n')) + 2 + extras;
    if (total > L.text) {
      issues.add(
        body,
        'maxLength',
        `shown as numbered text, this message exceeds WhatsApp's ${L.text} characters`,
      );
    }
    return;
  }
  if (c.bodyLength > L.interactiveBody) {
    issues.add(
      body,
      'maxLength',
      `WhatsApp allows at most ${L.interactiveBody} characters in the body of an interactive message; this has ${c.bodyLength}`,
    );
  }
  if (c.headerPointer !== undefined) {
    issues.maxLength(c.headerPointer, c.headerText, L.interactiveHeaderText, 'characters', 'in a header');
  }
  issues.maxLength('/message/footer', c.footer, L.interactiveFooter, 'characters', 'in a footer');
  c.actions.forEach((a, i) => {
    const at = `${c.actionsPointer}/${i}`;
    if (form === 'cta_url')
      issues.maxLength(`${at}/title`, a.title, L.ctaDisplayText, 'characters', 'on a URL button');
    if (a.type !== 'reply') return;
    if (form === 'reply_buttons') {
      issues.maxLength(`${at}/title`, a.title, L.replyButtonTitle, 'characters', 'on a reply button');
      issues.maxLength(`${at}/payload`, a.payload, L.replyButtonId, 'characters', 'in a reply button id');
    } else {
      issues.maxLength(`${at}/title`, a.title, L.listRowTitle, 'characters', 'in a list row title');
      issues.maxLength(`${at}/payload`, a.payload, L.listRowId, 'characters', 'in a list row id');
    }
    if (a.payload !== a.payload.trim()) {
      issues.add(`${at}/payload`, 'pattern', 'WhatsApp button ids may not start or end with spaces');
    }
  });
  if (form === 'reply_buttons' || form === 'list') {
    const replies = c.actions.map((a) => (a.type === 'reply' ? a : undefined));
    issues.unique(
      c.actionsPointer,
      replies.map((r) => r?.title ?? ''),
      'button title',
    );
    issues.unique(
      c.actionsPointer,
      replies.map((r) => r?.payload ?? ''),
      'button payload',
    );
  }
}

function checkList(issues: Issues, m: MessageOf<'list'>): void {
  const p = '/message';
  issues.maxLength(
    `${p}/text`,
    m.text,
    L.interactiveBody,
    'characters',
    'in the body of an interactive message',
  );
  issues.maxLength(`${p}/buttonText`, m.buttonText, L.listButton, 'characters', 'on the list button');
  issues.maxLength(`${p}/header`, m.header, L.interactiveHeaderText, 'characters', 'in a header');
  issues.maxLength(`${p}/footer`, m.footer, L.interactiveFooter, 'characters', 'in a footer');
  issues.maxItems(`${p}/sections`, m.sections.length, L.listSections, 'sections');
  const rows = m.sections.reduce((n, s) => n + s.rows.length, 0);
  issues.maxItems(`${p}/sections`, rows, L.listRowsTotal, 'rows in all sections together');
  const ids: string[] = [];
  m.sections.forEach((s, i) => {
    const at = `${p}/sections/${i}`;
    if (m.sections.length > 1 && s.title === undefined) {
      issues.add(`${at}/title`, 'required', 'WhatsApp needs a title on every section when there are several');
    }
    issues.maxLength(`${at}/title`, s.title, L.listSectionTitle, 'characters', 'in a section title');
    s.rows.forEach((r, j) => {
      issues.maxLength(`${at}/rows/${j}/id`, r.id, L.listRowId, 'characters', 'in a row id');
      issues.maxLength(`${at}/rows/${j}/title`, r.title, L.listRowTitle, 'characters', 'in a row title');
      issues.maxLength(
        `${at}/rows/${j}/description`,
        r.description,
        L.listRowDescription,
        'characters',
        'in a row description',
      );
      if (ids.includes(r.id))
        issues.add(`${at}/rows/${j}/id`, 'unique', 'WhatsApp needs every row id to be different');
      ids.push(r.id);
    });
  });
}

function checkCarousel(issues: Issues, m: MessageOf<'carousel'>): void {
  const p = '/message/cards';
  const form = carouselForm(m);
  if (form === 'single_card') {
    const card = m.cards[0];
    if (card?.actions === undefined) {
      if (card?.imageUrl !== undefined)
        issues.maxLength(`${p}/0/text`, cardBody(card), L.caption, 'characters', 'in a caption');
      return;
    }
    checkChoices(issues, {
      actionsPointer: `${p}/0/actions`,
      actions: card.actions,
      bodyPointer: card.text !== undefined ? `${p}/0/text` : `${p}/0/title`,
      bodyLength: codePointLength(card.text ?? card.title ?? ''),
      headerPointer: `${p}/0/title`,
      headerText: card.text !== undefined ? card.title : undefined,
    });
    if (card.text === undefined && card.title === undefined) {
      issues.add(
        `${p}/0/text`,
        'required',
        'a WhatsApp interactive message needs body text: give the card a text or title',
      );
    }
    return;
  }
  if (form === 'numbered') {
    const total = m.cards.reduce(
      (n, c) => n + codePointLength(cardBody(c) ?? '') + (c.imageUrl?.length ?? 0) + 40,
      0,
    );
    if (total > L.text)
      issues.add(p, 'maxLength', `shown as text, these cards exceed WhatsApp's ${L.text} characters`);
    return;
  }
  issues.maxLength('/message', carouselBody(m), L.interactiveBody);
  m.cards.forEach((c, i) => {
    const at = `${p}/${i}`;
    const body = cardBody(c);
    if (body !== undefined && codePointLength(body) > L.carouselCardBody) {
      issues.add(
        c.text !== undefined ? `${at}/text` : `${at}/title`,
        'maxLength',
        `WhatsApp allows at most ${L.carouselCardBody} characters on a carousel card (title and text together); this has ${codePointLength(body)}`,
      );
    }
    (c.actions ?? []).forEach((a, j) => {
      issues.maxLength(
        `${at}/actions/${j}/title`,
        a.title,
        L.replyButtonTitle,
        'characters',
        'on a card button',
      );
      if (a.type === 'reply')
        issues.maxLength(
          `${at}/actions/${j}/payload`,
          a.payload,
          L.replyButtonId,
          'characters',
          'in a button id',
        );
    });
  });
}

function checkTemplate(issues: Issues, m: MessageOf<'template'>): void {
  const p = '/message';
  issues.maxLength(`${p}/name`, m.name, L.templateName);
  if (!TEMPLATE_NAME.test(m.name)) {
    issues.add(
      `${p}/name`,
      'pattern',
      'WhatsApp template names are lowercase letters, digits and underscores',
    );
  }
  if (m.language === undefined) {
    issues.add(
      `${p}/language`,
      'required',
      'WhatsApp sends a template in one approved language: give its code, e.g. en_US',
    );
  }
  if (m.bodyParameters !== undefined && m.parameters !== undefined) {
    issues.add(
      `${p}/parameters`,
      'channel_capability',
      'a WhatsApp template takes either positional ({{1}}) or named ({{name}}) parameters, not both',
    );
  }
  for (const name of Object.keys(m.parameters ?? {})) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
      issues.add(
        `${p}/parameters/${name}`,
        'pattern',
        'WhatsApp parameter names are lowercase letters, digits and underscores',
      );
    }
  }
  const indexes = new Set<number>();
  (m.buttons ?? []).forEach((b, i) => {
    if (indexes.has(b.index))
      issues.add(`${p}/buttons/${i}/index`, 'unique', 'each template button is given once');
    indexes.add(b.index);
    if (b.subType === 'copy_code')
      issues.maxLength(
        `${p}/buttons/${i}/parameter`,
        b.parameter,
        L.couponCode,
        'characters',
        'in a coupon code',
      );
  });
}

function checkRaw(issues: Issues, payload: Record<string, unknown>): void {
  if (payload['status'] === 'read') {
    if (typeof payload['message_id'] !== 'string') {
      issues.add('/message/payload/message_id', 'required', 'marking a message read needs its wamid');
    }
    return;
  }
  if (typeof payload['type'] !== 'string') {
    issues.add('/message/payload/type', 'required', 'a WhatsApp message object needs its type');
  } else if (payload[payload['type']] === undefined) {
    issues.add(
      `/message/payload/${payload['type']}`,
      'required',
      `a ${payload['type']} message needs its ${payload['type']} object`,
    );
  }
}
