/**
 * A canonical template as WhatsApp's `template` object: the approved template's name and language,
 * and components carrying the header, body (positional or named) and button parameters.
 */
import type { MessageOf } from '../../core/vocabulary/message.ts';
import type { Obj } from '../../lib/json.ts';

/** WhatsApp needs a language; check() refuses a template without one, this is only for totality. */
const FALLBACK_LANGUAGE = 'en_US';

export function renderTemplate(m: MessageOf<'template'>): Obj {
  const components: Obj[] = [];
  const header = m.header !== undefined ? headerParameter(m.header) : undefined;
  if (header !== undefined) components.push({ type: 'header', parameters: [header] });
  const body = [
    ...(m.bodyParameters ?? []).map((text) => ({ type: 'text', text })),
    ...Object.entries(m.parameters ?? {}).map(([name, text]) => ({
      type: 'text',
      parameter_name: name,
      text,
    })),
  ];
  if (body.length > 0) components.push({ type: 'body', parameters: body });
  for (const b of m.buttons ?? []) {
    components.push({
      type: 'button',
      sub_type: b.subType,
      index: String(b.index),
      parameters: [buttonParameter(b.subType, b.parameter)],
    });
  }
  return {
    name: m.name,
    language: { policy: 'deterministic', code: m.language ?? FALLBACK_LANGUAGE },
    ...(components.length > 0 ? { components } : {}),
  };
}

function headerParameter(h: NonNullable<MessageOf<'template'>['header']>): Obj {
  switch (h.type) {
    case 'text':
      return { type: 'text', text: h.text };
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: String(h.latitude),
          longitude: String(h.longitude),
          ...(h.name !== undefined ? { name: h.name } : {}),
          ...(h.address !== undefined ? { address: h.address } : {}),
        },
      };
    default: {
      const media: Obj = h.mediaId !== undefined ? { id: h.mediaId } : { link: h.url ?? '' };
      if (h.type === 'document' && h.fileName !== undefined) media['filename'] = h.fileName;
      return { type: h.type, [h.type]: media };
    }
  }
}

function buttonParameter(subType: 'quick_reply' | 'url' | 'copy_code', value: string): Obj {
  switch (subType) {
    case 'quick_reply':
      return { type: 'payload', payload: value };
    case 'url':
      return { type: 'text', text: value };
    case 'copy_code':
      return { type: 'coupon_code', coupon_code: value };
  }
}
