/**
 * What Meta states only in prose (providers.md §6), applied to a body that already matches the
 * OpenAPI shape: the recipient format, text and caption lengths, which media take a caption or a
 * filename, that an interactive message's action fits its type, reply buttons and list rows
 * unique and counted, and the media carousel's uniform cards.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { codePointLength } from '../../../lib/text.ts';
import { WA_LIMITS as L, WA_ID } from '../limits.ts';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objs = (v: unknown): Obj[] => list(v).filter(isObj);

class Walker {
  readonly details: string[] = [];

  add(detail: string): void {
    this.details.push(detail);
  }

  text(param: string, v: unknown, max: number, required = true): void {
    if (typeof v !== 'string') {
      if (required) this.add(`The parameter ${param} is required.`);
      return;
    }
    if (required && v.trim() === '') this.add(`Param ${param} must not be empty.`);
    if (codePointLength(v) > max) this.add(`Param ${param} must be at most ${max} characters long.`);
  }

  unique(param: string, values: string[], what: string): void {
    if (new Set(values).size !== values.length) this.add(`Param ${param} ${what} must be unique.`);
  }
}

export function wireLimitIssues(body: unknown): string[] {
  const w = new Walker();
  if (!isObj(body)) return w.details;
  if (body['messaging_product'] !== 'whatsapp') w.add('Param messaging_product must be one of {whatsapp}.');
  if (body['recipient_type'] === 'group')
    w.add('Param recipient_type group is not enabled for this phone number.');
  const to = String(body['to'] ?? '').replace(/^\+/, '');
  if (!WA_ID.test(to)) w.add("Param to must be a phone number in international format (e.g. '16505551234').");
  switch (body['type']) {
    case 'text':
      if (isObj(body['text'])) w.text("text['body']", body['text']['body'], L.text);
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      media(w, String(body['type']), body[String(body['type'])]);
      break;
    case 'interactive':
      if (isObj(body['interactive'])) interactive(w, body['interactive']);
      break;
  }
  return w.details;
}

function media(w: Walker, type: string, m: unknown): void {
  if (!isObj(m)) return;
  if (m['caption'] !== undefined) {
    if (type === 'audio' || type === 'sticker') w.add(`Param ${type}['caption'] is not a valid parameter.`);
    else w.text(`${type}['caption']`, m['caption'], L.caption, false);
  }
  if (m['filename'] !== undefined && type !== 'document')
    w.add(`Param ${type}['filename'] is not a valid parameter.`);
}

const ACTION_OF_TYPE: Readonly<Record<string, string>> = {
  button: 'buttons',
  list: 'sections',
  cta_url: 'name',
  carousel: 'cards',
};

function interactive(w: Walker, i: Obj): void {
  const type = String(i['type']);
  const action = isObj(i['action']) ? i['action'] : {};
  const key = ACTION_OF_TYPE[type];
  if (key !== undefined && action[key] === undefined) {
    w.add(
      `The parameter interactive['action']['${key}'] is required for an interactive message of type ${type}.`,
    );
    return;
  }
  if (key !== undefined) {
    if (!isObj(i['body'])) w.add("The parameter interactive['body'] is required.");
    else w.text("interactive['body']['text']", i['body']['text'], L.interactiveBody);
  }
  header(
    w,
    "interactive['header']",
    i['header'],
    type === 'list' ? ['text'] : ['text', 'image', 'video', 'document'],
  );
  if (type === 'carousel' && (i['header'] !== undefined || i['footer'] !== undefined)) {
    w.add('Param interactive header and footer are not supported for carousel messages.');
  }
  switch (type) {
    case 'button': {
      const buttons = objs(action['buttons']).map((b) => (isObj(b['reply']) ? b['reply'] : {}));
      buttons.forEach((r, k) => {
        const id = String(r['id'] ?? '');
        if (id !== id.trim() || id === '')
          w.add(
            `Param interactive['action']['buttons'][${k}]['reply']['id'] must not be empty or start or end with spaces.`,
          );
        w.text(`interactive['action']['buttons'][${k}]['reply']['title']`, r['title'], L.replyButtonTitle);
      });
      w.unique(
        "interactive['action']['buttons']",
        buttons.map((r) => String(r['id'])),
        'reply ids',
      );
      w.unique(
        "interactive['action']['buttons']",
        buttons.map((r) => String(r['title'])),
        'reply titles',
      );
      return;
    }
    case 'list': {
      w.text("interactive['action']['button']", action['button'], L.listButton);
      const sections = objs(action['sections']);
      const rows = sections.flatMap((s) => objs(s['rows']));
      if (rows.length > L.listRowsTotal)
        w.add(`Param interactive['action']['sections'] must have at most ${L.listRowsTotal} rows in total.`);
      sections.forEach((s, k) => {
        if (sections.length > 1 && s['title'] === undefined)
          w.add(
            `The parameter interactive['action']['sections'][${k}]['title'] is required when there are several sections.`,
          );
        if (objs(s['rows']).length === 0)
          w.add(`Param interactive['action']['sections'][${k}]['rows'] must have at least 1 element.`);
      });
      w.unique(
        "interactive['action']['sections']",
        rows.map((r) => String(r['id'])),
        'row ids',
      );
      return;
    }
    case 'cta_url': {
      const params = isObj(action['parameters']) ? action['parameters'] : {};
      w.text("interactive['action']['parameters']['display_text']", params['display_text'], L.ctaDisplayText);
      if (!/^https?:\/\//i.test(String(params['url'])))
        w.add("Param interactive['action']['parameters']['url'] must be an http(s) URL.");
      return;
    }
    case 'carousel':
      carousel(w, objs(action['cards']));
      return;
  }
}

function header(w: Walker, param: string, h: unknown, allowed: string[]): void {
  if (!isObj(h)) return;
  const type = String(h['type']);
  if (!allowed.includes(type)) {
    w.add(`Param ${param}['type'] must be one of {${allowed.join(', ')}} for this message.`);
    return;
  }
  if (h[type] === undefined) w.add(`The parameter ${param}['${type}'] is required.`);
  for (const other of ['text', 'image', 'video', 'document']) {
    if (other !== type && h[other] !== undefined)
      w.add(`Param ${param}['${other}'] is not valid for a ${type} header.`);
  }
}

function carousel(w: Walker, cards: Obj[]): void {
  const first = cards[0];
  const shape = (c: Obj) => {
    const a = isObj(c['action']) ? c['action'] : {};
    return `${String(c['type'])}:${Array.isArray(a['buttons']) ? a['buttons'].length : a['name'] !== undefined ? 1 : 0}`;
  };
  cards.forEach((c, k) => {
    const at = `interactive['action']['cards'][${k}]`;
    if (c['card_index'] !== k)
      w.add(`Param ${at}['card_index'] must be ${k}: cards are numbered from 0 in order.`);
    header(w, `${at}['header']`, c['header'], ['image', 'video']);
    const action = isObj(c['action']) ? c['action'] : {};
    const ctaCard = c['type'] === 'cta_url';
    if (ctaCard !== (action['name'] === 'cta_url'))
      w.add(`Param ${at}['action'] does not match the card type ${String(c['type'])}.`);
    if (first !== undefined && k > 0) {
      if (shape(c) !== shape(first))
        w.add(`Param ${at} must have the same button type and count as the first card.`);
    }
  });
}
