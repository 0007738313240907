/**
 * The sandbox business's approved templates. WhatsApp only sends templates it approved, in the
 * languages approved, with exactly the parameters they declare; the emulator holds a few so a
 * template send can succeed, and refuses others the way WhatsApp does (132001 / 132000 / 132012).
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { WA_ERRORS, type WaAnswer, waError } from './errors.ts';

interface SandboxTemplate {
  languages: readonly string[];
  header?: 'text' | 'image' | 'video' | 'document' | 'location';
  /** Positional body parameters ({{1}}..), or the names of named ones. */
  body: number | readonly string[];
  buttons: ReadonlyArray<{ index: number; subType: 'quick_reply' | 'url' | 'copy_code' }>;
}

export const SANDBOX_TEMPLATES: Readonly<Record<string, SandboxTemplate>> = {
  hello_world: { languages: ['en_US'], body: 0, buttons: [] },
  /** The template of the shared sample messages (test/fixtures/messages.ts). */
  order_update: { languages: ['en', 'en_US'], body: ['name'], buttons: [] },
  shipping_update: {
    languages: ['en_US', 'de'],
    header: 'image',
    body: 2,
    buttons: [
      { index: 0, subType: 'quick_reply' },
      { index: 1, subType: 'url' },
    ],
  },
  welcome_named: { languages: ['en_US'], header: 'text', body: ['first_name'], buttons: [] },
  coupon_offer: { languages: ['en_US'], body: 1, buttons: [{ index: 0, subType: 'copy_code' }] },
};

const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** An answer when WhatsApp would refuse the template; undefined when it would send it. */
export function checkTemplate(template: Obj): WaAnswer | undefined {
  const name = String(template['name']);
  const language = isObj(template['language']) ? String(template['language']['code']) : '';
  const known = SANDBOX_TEMPLATES[name];
  if (known === undefined || !known.languages.includes(language))
    return WA_ERRORS.templateMissing(name, language);
  const components = objs(template['components']);
  const of = (type: string) => components.filter((c) => c['type'] === type);
  const header = of('header')[0];
  const headerParams = objs(header?.['parameters']);
  const needsHeader =
    known.header !== undefined && known.header !== 'text' ? 1 : known.header === 'text' ? 1 : 0;
  if (headerParams.length !== needsHeader) {
    return WA_ERRORS.templateParams(
      `header: number of localizable_params (${headerParams.length}) does not match the expected number of params (${needsHeader})`,
    );
  }
  if (known.header !== undefined && headerParams[0]?.['type'] !== known.header) {
    return waError(400, 132012, '(#132012) Parameter format does not match format in the created template', {
      details: `header: Format mismatch, expected ${known.header.toUpperCase()}, received ${String(headerParams[0]?.['type']).toUpperCase()}`,
    });
  }
  const bodyParams = objs(of('body')[0]?.['parameters']);
  if (typeof known.body === 'number') {
    if (bodyParams.length !== known.body || bodyParams.some((p) => p['parameter_name'] !== undefined)) {
      return WA_ERRORS.templateParams(
        `body: number of localizable_params (${bodyParams.length}) does not match the expected number of params (${known.body})`,
      );
    }
  } else {
    const names = bodyParams.map((p) => String(p['parameter_name']));
    if (names.length !== known.body.length || !known.body.every((n) => names.includes(n))) {
      return WA_ERRORS.templateParams(
        `body: named parameters (${names.join(', ')}) do not match the expected parameters (${known.body.join(', ')})`,
      );
    }
  }
  for (const b of of('button')) {
    const declared = known.buttons.find((k) => String(k.index) === String(b['index']));
    if (declared === undefined || declared.subType !== b['sub_type']) {
      return waError(400, 131009, '(#131009) Parameter value is not valid', {
        details: `button at index ${String(b['index'])} with sub_type ${String(b['sub_type'])} does not exist in template ${name}`,
      });
    }
  }
  return undefined;
}
