/**
 * Validates a Send API body the way Meta answers a bad one: the schema (schema.ts) first, then the
 * rules a schema states badly (message XOR sender_action, text XOR attachment, messaging_type and
 * tag together), each refusal a Graph `(#100)` error in Meta's words where Meta's are known.
 */
import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { isObj, type Obj } from '../../../../lib/json.ts';
import type { EmulatorProfile } from './profile.ts';
import { sendApiSchema } from './schema.ts';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

export type SendApiValidator = (body: unknown) => string | undefined;

/**
 * Templates Messenger retired. Meta answers a retired template with a (#100) error naming it as
 * deprecated (its words for the list template: "List template on Messenger Platform is deprecated
 * on API 4.0. It will be removed from all versions soon."); the airline templates went the same
 * way. Instagram never had them, so there they are only an unknown template_type.
 */
const RETIRED_TEMPLATES: Record<string, string> = {
  airline_itinerary: 'Airline itinerary',
  airline_checkin: 'Airline check-in',
  airline_boardingpass: 'Airline boarding pass',
  airline_update: 'Airline flight update',
};

function retiredTemplate(body: Obj): string | undefined {
  const message = body['message'];
  const attachment = isObj(message) ? message['attachment'] : undefined;
  if (!isObj(attachment) || attachment['type'] !== 'template' || !isObj(attachment['payload']))
    return undefined;
  const name = RETIRED_TEMPLATES[String(attachment['payload']['template_type'])];
  return name === undefined ? undefined : `(#100) ${name} template on Messenger Platform is deprecated.`;
}

export function createSendApiValidator(profile: EmulatorProfile): SendApiValidator {
  const ajv = new Ajv2019({ allErrors: false, strict: false, discriminator: true, verbose: true });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'maxBytes',
    type: 'string',
    schemaType: 'number',
    error: { message: (cxt) => `must be at most ${String(cxt.schema)} bytes` },
    validate: (max: number, data: string) => Buffer.byteLength(data, 'utf8') <= max,
  });
  const validate = ajv.compile(sendApiSchema(profile));
  const f = profile.flavor;

  return (body) => {
    if (!isObj(body) || body['recipient'] === undefined) return '(#100) The parameter recipient is required';
    const hasMessage = body['message'] !== undefined;
    const hasAction = body['sender_action'] !== undefined;
    if (!hasMessage && !hasAction) return '(#100) The parameter message is required';
    if (hasMessage && hasAction) return '(#100) Only one of message or sender_action may be set';
    const retired = f.name === 'messenger' ? retiredTemplate(body) : undefined;
    if (retired !== undefined) return retired;
    if (!validate(body)) return graphMessage(validate.errors ?? []);
    if (hasMessage) {
      const message = body['message'] as Obj;
      if ((message['text'] === undefined) === (message['attachment'] === undefined)) {
        return '(#100) Param message must contain exactly one of text or attachment';
      }
      if (f.alwaysMessagingType && body['messaging_type'] === undefined) {
        return '(#100) The parameter messaging_type is required';
      }
    }
    if (body['messaging_type'] === 'MESSAGE_TAG' && body['tag'] === undefined) {
      return '(#100) Tag is required for MESSAGE_TAG messaging type';
    }
    if (body['tag'] !== undefined && body['messaging_type'] !== 'MESSAGE_TAG') {
      return '(#100) Tag can only be used with messaging_type MESSAGE_TAG';
    }
    return undefined;
  };
}

/** `/message/quick_replies/0/title` → `message[quick_replies][0][title]`, as Graph names params. */
function param(pointer: string, child?: string): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  if (child !== undefined) parts.push(child);
  const [first, ...rest] = parts;
  return `${first ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function graphMessage(errors: ErrorObject[]): string {
  // anyOf / oneOf say more than the branch errors collected on the way to them.
  const e = errors.find((x) => x.keyword === 'anyOf') ?? errors[0];
  if (e === undefined) return '(#100) Invalid parameter';
  const p = e.params as Record<string, unknown>;
  const path = param(e.instancePath);
  switch (e.keyword) {
    case 'required':
      return `(#100) The parameter ${param(e.instancePath, String(p['missingProperty']))} is required`;
    case 'additionalProperties':
      return `(#100) Param ${param(e.instancePath, String(p['additionalProperty']))} is not a valid parameter`;
    case 'maxLength':
      return `(#100) Length of param ${path} must be less than or equal to ${String(p['limit'])}`;
    case 'maxBytes':
      return `(#100) Length of param ${path} must be less than or equal to ${String(e.schema)} bytes`;
    case 'minLength':
      return `(#100) Param ${path} must be non-empty`;
    case 'maxItems':
      return `(#100) Param ${path} must have at most ${String(p['limit'])} elements`;
    case 'minItems':
      return `(#100) Param ${path} must have at least ${String(p['limit'])} element`;
    case 'enum':
      return `(#100) Param ${path} must be one of {${(p['allowedValues'] as unknown[]).join(', ')}} - got "${String(e.data)}"`;
    case 'discriminator':
      return `(#100) Param ${param(e.instancePath, String(p['tag']))} has an unsupported value`;
    case 'anyOf':
      return `(#100) Param ${path} does not match any of its documented forms`;
    default:
      return `(#100) Param ${path} ${e.message ?? 'is invalid'}`;
  }
}
