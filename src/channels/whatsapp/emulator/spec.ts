/**
 * Meta's own OpenAPI document for the Cloud API (`specs/whatsapp`, resolved by findSpecFile), its
 * send-message schemas corrected where the document contradicts Meta's reference pages. Each
 * correction says why; none loosens a documented rule. The rest is used as published.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isObj } from '../../../lib/json.ts';
import { findSpecFile } from '../../../sandbox/specs.ts';

export const WHATSAPP_SPEC_FILE = 'whatsapp/business-messaging-api_v23.0.yaml';

type Schema = Record<string, unknown>;

export function loadWhatsAppSchemas(
  file: string = findSpecFile(WHATSAPP_SPEC_FILE),
): Record<string, unknown> {
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  const schemas = isObj(doc) && isObj(doc['components']) ? doc['components']['schemas'] : undefined;
  if (!isObj(schemas)) throw new Error(`${file} has no components.schemas`);
  return patchSchemas(structuredClone(schemas));
}

const obj = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const str = (maxLength?: number): Schema => ({ type: 'string', ...(maxLength ? { maxLength } : {}) });
const mediaRef = { $ref: '#/components/schemas/MediaObject' };

export function patchSchemas(s: Record<string, unknown>): Record<string, unknown> {
  const get = (name: string): Schema => {
    const v = s[name];
    if (!isObj(v)) throw new Error(`WhatsApp spec has no schema ${name}`);
    return v;
  };

  // 1. Each message subtype is allOf [BaseMessageProperties, {additionalProperties: false, ...}];
  //    read as JSON Schema that refuses `to` and `messaging_product` themselves. Strict conversion
  //    (unevaluatedProperties over the whole allOf) keeps the intent: nothing undeclared.
  for (const value of Object.values(s)) {
    if (!isObj(value) || !Array.isArray(value['allOf'])) continue;
    for (const member of value['allOf']) if (isObj(member)) delete member['additionalProperties'];
  }

  // 2. MediaObject is oneOf [{id}, {link}] with the properties inside each branch, so a caption or
  //    a filename fits neither. Declared once, exactly one of id / link required.
  s['MediaObject'] = {
    description: 'A media object. Either `id` or `link` is required.',
    ...obj({
      id: str(),
      link: { type: 'string', pattern: '^https?://' },
      caption: str(),
      filename: str(),
    }),
    oneOf: [{ required: ['id'] }, { required: ['link'] }],
  };

  // 3. Interactive CTA URL and media carousel messages are documented on Meta's reference pages
  //    but missing from this document's InteractiveObject and ActionObject.
  const interactive = get('InteractiveObject');
  const props = interactive['properties'];
  if (isObj(props) && isObj(props['type']) && Array.isArray(props['type']['enum'])) {
    props['type']['enum'] = [...props['type']['enum'], 'cta_url', 'carousel'];
  }
  const ctaAction = obj(
    {
      name: { type: 'string', enum: ['cta_url'] },
      parameters: obj({ display_text: str(20), url: str() }, ['display_text', 'url']),
    },
    ['name', 'parameters'],
  );
  const cardHeader = obj(
    { type: { type: 'string', enum: ['image', 'video'] }, image: mediaRef, video: mediaRef },
    ['type'],
  );
  const quickReplyButtons = obj(
    {
      buttons: {
        type: 'array',
        minItems: 1,
        maxItems: 2,
        items: obj(
          {
            type: { type: 'string', enum: ['quick_reply'] },
            quick_reply: obj({ id: str(256), title: str(20) }, ['id', 'title']),
          },
          ['type', 'quick_reply'],
        ),
      },
    },
    ['buttons'],
  );
  const card = obj(
    {
      card_index: { type: 'integer', minimum: 0, maximum: 9 },
      type: { type: 'string', enum: ['cta_url', 'button'] },
      header: cardHeader,
      body: obj({ text: str(160) }, ['text']),
      action: { type: 'object', oneOf: [ctaAction, quickReplyButtons] },
    },
    ['card_index', 'type', 'header', 'action'],
  );
  const action = get('ActionObject');
  if (Array.isArray(action['oneOf'])) {
    action['oneOf'] = [
      ...action['oneOf'],
      ctaAction,
      obj({ cards: { type: 'array', minItems: 2, maxItems: 10, items: card } }, ['cards']),
    ];
  }

  // 4. The button component's `index` pattern `^[2-6, 11-14]$` refuses index "0" and "1", which
  //    Meta's own examples use; buttons are numbered 0..9.
  for (const name of ['TemplateComponent', 'ButtonComponent']) {
    const component = get(name);
    const own = Array.isArray(component['allOf'])
      ? component['allOf'].find((m) => isObj(m) && isObj(m['properties']))
      : component;
    const p = isObj(own) ? own['properties'] : undefined;
    if (isObj(p) && isObj(p['index'])) p['index'] = { type: 'string', pattern: '^[0-9]$' };
    // Copy-code (coupon) buttons are documented but missing from the enum.
    if (isObj(p) && isObj(p['sub_type']) && Array.isArray(p['sub_type']['enum'])) {
      p['sub_type']['enum'] = [...p['sub_type']['enum'], 'copy_code'];
    }
  }
  const buttonParameter = get('ButtonParameterObject');
  const d = buttonParameter['discriminator'];
  if (isObj(d) && isObj(d['mapping']))
    d['mapping']['coupon_code'] = '#/components/schemas/ButtonCouponCodeParameter';
  const bpProps = buttonParameter['properties'];
  if (isObj(bpProps) && isObj(bpProps['type']) && Array.isArray(bpProps['type']['enum'])) {
    bpProps['type']['enum'] = [...bpProps['type']['enum'], 'coupon_code'];
  }
  s['ButtonCouponCodeParameter'] = {
    allOf: [
      { $ref: '#/components/schemas/ButtonParameterObject' },
      obj({ type: { enum: ['coupon_code'] }, coupon_code: str(15) }, ['coupon_code']),
    ],
  };

  // 5. Named template parameters (`{{first_name}}`) carry `parameter_name`, missing here.
  const text = get('TextParameter');
  const own = Array.isArray(text['allOf'])
    ? text['allOf'].find((m) => isObj(m) && isObj(m['properties']))
    : undefined;
  if (isObj(own) && isObj(own['properties'])) {
    own['properties']['parameter_name'] = { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' };
  }

  // 6. Location headers of templates are documented but missing from ParameterObject.
  const parameter = get('ParameterObject');
  const pd = parameter['discriminator'];
  if (isObj(pd) && isObj(pd['mapping'])) pd['mapping']['location'] = '#/components/schemas/LocationParameter';
  const pProps = parameter['properties'];
  if (isObj(pProps) && isObj(pProps['type']) && Array.isArray(pProps['type']['enum'])) {
    pProps['type']['enum'] = [...pProps['type']['enum'], 'location'];
  }
  s['LocationParameter'] = {
    allOf: [
      { $ref: '#/components/schemas/ParameterObject' },
      obj(
        {
          type: { enum: ['location'] },
          location: obj({ latitude: str(), longitude: str(), name: str(), address: str() }, [
            'latitude',
            'longitude',
          ]),
        },
        ['location'],
      ),
    ],
  };

  // 7. Marking a message read (optionally with the typing indicator) is in the document only as an
  //    example of this same endpoint; its shape is given here.
  s['MarkReadRequest'] = obj(
    {
      messaging_product: { type: 'string', enum: ['whatsapp'] },
      status: { type: 'string', enum: ['read'] },
      message_id: str(),
      typing_indicator: obj({ type: { type: 'string', enum: ['text'] } }, ['type']),
    },
    ['messaging_product', 'status', 'message_id'],
  );
  return s;
}
