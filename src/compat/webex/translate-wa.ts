/**
 * Webex's `channels.OTT-Messaging.wa` object → a native message for the whatsapp channel. Seed 003
 * names the block (`"wa":{object(whatsappMessage)}`) without describing it; Webex Connect's
 * WhatsApp pages give it the shape of WhatsApp's own message object (`type` and an object of that
 * name: `text {body}`, `image {link, caption}`, `template {name, language, components}`, …),
 * which is what is read here.
 *
 * Text, media, stickers, locations, templates with text / media / location parameters and
 * interactive reply buttons and lists are said canonically. What the canonical model cannot hold
 * (currency or date parameters, a CTA or product message, unknown fields) goes as `raw`: the same
 * object is WhatsApp Cloud API's, so it reaches WhatsApp as the client wrote it.
 */
import type { Action, CanonicalMessage, MessageOf } from '../../core/index.ts';
import { isObj, type Obj } from '../../lib/json.ts';
import { refusal, worded } from './answer.ts';
import { type FieldMapper, fieldsUnder, firstOf } from './fields.ts';
import type { WaMessage } from './schema.ts';
import type { TranslatedContent } from './translate-fb.ts';

export const WA = 'channels.OTT-Messaging.wa';

const missing = (field: string) => refusal('mandatoryMissing', field);
const only = (o: Obj, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));
const str = (o: Obj, key: string) => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

type Canonical = { message: CanonicalMessage; fields: FieldMapper };

export function translateWa(wa: WaMessage): TranslatedContent {
  const block = (wa as Obj)[wa.type];
  if (wa.type === 'text') {
    if (wa.text === undefined || wa.text.body === '') {
      throw worded('mandatoryMissing', "param 'text' missing for channel whatsapp");
    }
  } else if (!isObj(block)) {
    throw missing(`${WA}.${wa.type}`);
  }
  const previewUrl = wa.preview_url === true || wa.preview_url === 'true';
  const options = wa.type === 'text' && previewUrl ? { previewUrl: true } : {};
  const canonical = canonicalOf(wa, block as Obj);
  if (canonical !== undefined) {
    return {
      ...canonical,
      options,
      fields: firstOf(canonical.fields, fieldsUnder('/options/whatsapp', WA, { previewUrl: 'preview_url' })),
    };
  }
  return {
    message: { type: 'raw', payload: { type: wa.type, [wa.type]: block } },
    fields: firstOf(fieldsUnder('/message/payload', WA)),
  };
}

function canonicalOf(wa: WaMessage, block: Obj): Canonical | undefined {
  switch (wa.type) {
    case 'text':
      return {
        message: { type: 'text', text: wa.text?.body ?? '' },
        fields: fieldsUnder('/message/text', `${WA}.text.body`),
      };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
      return media(wa.type, block);
    case 'sticker': {
      if (!only(block, ['link', 'id'])) return undefined;
      const id = str(block, 'link') ?? str(block, 'id');
      if (id === undefined) throw missing(`${WA}.sticker.link`);
      return {
        message: { type: 'sticker', stickerId: id },
        fields: fieldsUnder('/message/stickerId', `${WA}.sticker`),
      };
    }
    case 'location':
      return location(block);
    case 'template':
      return template(block);
    case 'interactive':
      return interactive(block);
  }
}

function media(type: 'image' | 'video' | 'audio' | 'document', block: Obj): Canonical | undefined {
  if (!only(block, ['link', 'id', 'caption', 'filename'])) return undefined;
  const link = str(block, 'link');
  const id = str(block, 'id');
  if (link === undefined && id === undefined) throw missing(`${WA}.${type}.link`);
  const caption = str(block, 'caption');
  const fileName = str(block, 'filename');
  return {
    message: {
      type: 'media',
      mediaType: type === 'document' ? 'file' : type,
      ...(id !== undefined ? { mediaId: id } : { url: link ?? '' }),
      ...(caption !== undefined ? { caption } : {}),
      ...(fileName !== undefined ? { fileName } : {}),
    },
    fields: fieldsUnder('/message', `${WA}.${type}`, { url: 'link', mediaId: 'id', fileName: 'filename' }),
  };
}

/** Degrees as WhatsApp writes them: a number or a decimal string. */
const degrees = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : undefined;

function location(block: Obj): Canonical | undefined {
  if (!only(block, ['latitude', 'longitude', 'name', 'address'])) return undefined;
  const latitude = degrees(block['latitude']);
  const longitude = degrees(block['longitude']);
  if (latitude === undefined) throw missing(`${WA}.location.latitude`);
  if (longitude === undefined) throw missing(`${WA}.location.longitude`);
  const name = str(block, 'name');
  const address = str(block, 'address');
  return {
    message: {
      type: 'location',
      latitude,
      longitude,
      ...(name !== undefined ? { title: name } : {}),
      ...(address !== undefined ? { address } : {}),
    },
    fields: fieldsUnder('/message', `${WA}.location`, { title: 'name' }),
  };
}

type TemplateMessage = MessageOf<'template'>;

function template(block: Obj): Canonical | undefined {
  // `namespace` belonged to the on-premises API; the Cloud API finds a template by name alone.
  if (!only(block, ['name', 'namespace', 'language', 'components'])) return undefined;
  const name = str(block, 'name');
  if (name === undefined) throw missing(`${WA}.template.name`);
  const language = block['language'];
  const code = isObj(language) ? str(language, 'code') : typeof language === 'string' ? language : undefined;
  if (code === undefined) throw missing(`${WA}.template.language.code`);
  const out: TemplateMessage = { type: 'template', name, language: code };
  const components = block['components'] ?? [];
  if (!Array.isArray(components)) return undefined;
  for (const c of components) {
    if (!isObj(c) || !Array.isArray(c['parameters'])) return undefined;
    const parameters = c['parameters'] as unknown[];
    if (c['type'] === 'header' && parameters.length === 1) {
      const header = headerOf(parameters[0]);
      if (header === undefined) return undefined;
      out.header = header;
    } else if (c['type'] === 'body') {
      for (const p of parameters) {
        if (!isObj(p) || p['type'] !== 'text' || typeof p['text'] !== 'string') return undefined;
        if (typeof p['parameter_name'] === 'string') {
          out.parameters = { ...out.parameters, [p['parameter_name']]: p['text'] };
        } else out.bodyParameters = [...(out.bodyParameters ?? []), p['text']];
      }
    } else if (c['type'] === 'button' && parameters.length === 1) {
      const button = buttonOf(c, parameters[0]);
      if (button === undefined) return undefined;
      out.buttons = [...(out.buttons ?? []), button];
    } else return undefined;
  }
  return { message: out, fields: fieldsUnder('/message', `${WA}.template`, { language: 'language.code' }) };
}

function headerOf(p: unknown): TemplateMessage['header'] | undefined {
  if (!isObj(p) || typeof p['type'] !== 'string') return undefined;
  const value = p[p['type']];
  switch (p['type']) {
    case 'text':
      return typeof p['text'] === 'string' ? { type: 'text', text: p['text'] } : undefined;
    case 'image':
    case 'video':
    case 'document': {
      if (!isObj(value) || !only(value, ['link', 'id', 'filename'])) return undefined;
      const link = str(value, 'link');
      const id = str(value, 'id');
      const fileName = str(value, 'filename');
      return {
        type: p['type'],
        ...(id !== undefined ? { mediaId: id } : { url: link ?? '' }),
        ...(fileName !== undefined && p['type'] === 'document' ? { fileName } : {}),
      };
    }
    case 'location': {
      if (!isObj(value)) return undefined;
      const latitude = degrees(value['latitude']);
      const longitude = degrees(value['longitude']);
      if (latitude === undefined || longitude === undefined) return undefined;
      const name = str(value, 'name');
      const address = str(value, 'address');
      return {
        type: 'location',
        latitude,
        longitude,
        ...(name !== undefined ? { name } : {}),
        ...(address !== undefined ? { address } : {}),
      };
    }
    default:
      return undefined;
  }
}

function buttonOf(c: Obj, p: unknown): NonNullable<TemplateMessage['buttons']>[number] | undefined {
  const index = Number(c['index']);
  if (!Number.isInteger(index) || !isObj(p)) return undefined;
  const subType = c['sub_type'];
  const value =
    subType === 'quick_reply'
      ? str(p, 'payload')
      : subType === 'url'
        ? str(p, 'text')
        : subType === 'copy_code'
          ? str(p, 'coupon_code')
          : undefined;
  if (value === undefined) return undefined;
  return { index, subType: subType as 'quick_reply' | 'url' | 'copy_code', parameter: value };
}

function interactive(block: Obj): Canonical | undefined {
  if (!only(block, ['type', 'header', 'body', 'footer', 'action'])) return undefined;
  const body = isObj(block['body']) ? str(block['body'], 'text') : undefined;
  if (body === undefined) throw missing(`${WA}.interactive.body.text`);
  const footer = isObj(block['footer']) ? str(block['footer'], 'text') : undefined;
  const header = block['header'];
  const headerText = isObj(header) && header['type'] === 'text' ? str(header, 'text') : undefined;
  const headerImage =
    isObj(header) && header['type'] === 'image' && isObj(header['image'])
      ? str(header['image'], 'link')
      : undefined;
  if (header !== undefined && headerText === undefined && headerImage === undefined) return undefined;
  const action = block['action'];
  if (!isObj(action)) throw missing(`${WA}.interactive.action`);
  if (block['type'] === 'button') {
    const buttons = action['buttons'];
    if (!Array.isArray(buttons) || !only(action, ['buttons'])) return undefined;
    const actions: Action[] = [];
    for (const b of buttons) {
      if (!isObj(b) || b['type'] !== 'reply' || !isObj(b['reply'])) return undefined;
      const id = str(b['reply'], 'id');
      const title = str(b['reply'], 'title');
      if (id === undefined || title === undefined) return undefined;
      actions.push({ type: 'reply', title, payload: id });
    }
    return {
      message: {
        type: 'buttons',
        text: body,
        actions,
        ...(headerText !== undefined || headerImage !== undefined
          ? {
              header: {
                ...(headerText !== undefined ? { text: headerText } : {}),
                ...(headerImage !== undefined ? { imageUrl: headerImage } : {}),
              },
            }
          : {}),
        ...(footer !== undefined ? { footer } : {}),
      },
      fields: fieldsUnder('/message', `${WA}.interactive`, { text: 'body.text', actions: 'action.buttons' }),
    };
  }
  if (block['type'] === 'list' && headerImage === undefined) {
    const button = str(action, 'button');
    const sections = action['sections'];
    if (button === undefined || !Array.isArray(sections) || !only(action, ['button', 'sections']))
      return undefined;
    const out: MessageOf<'list'>['sections'] = [];
    for (const s of sections) {
      if (!isObj(s) || !Array.isArray(s['rows']) || !only(s, ['title', 'rows'])) return undefined;
      const rows = [];
      for (const r of s['rows'] as unknown[]) {
        if (!isObj(r) || !only(r, ['id', 'title', 'description'])) return undefined;
        const id = str(r, 'id');
        const title = str(r, 'title');
        const description = str(r, 'description');
        if (id === undefined || title === undefined) return undefined;
        rows.push({ id, title, ...(description !== undefined ? { description } : {}) });
      }
      const title = str(s, 'title');
      out.push({ ...(title !== undefined ? { title } : {}), rows });
    }
    return {
      message: {
        type: 'list',
        text: body,
        buttonText: button,
        sections: out,
        ...(headerText !== undefined ? { header: headerText } : {}),
        ...(footer !== undefined ? { footer } : {}),
      },
      fields: fieldsUnder('/message', `${WA}.interactive`, {
        text: 'body.text',
        buttonText: 'action.button',
        sections: 'action.sections',
      }),
    };
  }
  return undefined;
}
