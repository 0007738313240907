/**
 * A Webex Connect request → everything of a native send but its recipients: the channel, the
 * content (the channel block, or `message.template` + `parameters` as a stored template), smart
 * links, contact policy, expiry, correlation and notifications. Recipients come from
 * destinations.ts; the handler sends one native command per group of them.
 */
import type { FieldIssue, SendCommand, SendDeps } from '../../core/index.ts';
import { CanonicalMessage, mapStrings, type SendableMessage } from '../../core/index.ts';
import { validatorOnFirstUse } from '../../lib/schema-validator.ts';
import { refusal, type WebexError, worded } from './answer.ts';
import { type FieldMapper, fieldsUnder, firstOf } from './fields.ts';
import type { WebexRequest } from './schema.ts';
import { translateFb } from './translate-fb.ts';
import { translateWa } from './translate-wa.ts';

// The native send trusts its caller to hand it a schema-valid message (the native API validates
// at the door), so what a translator built is checked here against the same schema.
const canonicalValidator = validatorOnFirstUse(CanonicalMessage);

/** What a `deliverychannel` is here: an Omnigate channel, or one Omnigate does not have yet. */
const DELIVERY_CHANNELS: Record<
  string,
  { channel: 'messenger' | 'whatsapp'; block: 'fb' | 'wa' } | 'inactive'
> = {
  fb: { channel: 'messenger', block: 'fb' },
  whatsapp: { channel: 'whatsapp', block: 'wa' },
  sms: 'inactive',
  voice: 'inactive',
  push: 'inactive',
  rt: 'inactive',
  appmessaging: 'inactive',
  applebusinesschat: 'inactive',
  applemessagesforbusiness: 'inactive',
};

export interface Target {
  channel: 'messenger' | 'whatsapp';
  /** The Webex name: `fb` or `whatsapp`. */
  deliveryChannel: string;
  block: 'fb' | 'wa';
}

export function targetOf(deliveryChannel: string): Target {
  const known = DELIVERY_CHANNELS[deliveryChannel.toLowerCase()];
  if (known === undefined) {
    throw refusal(
      'invalidParameters',
      `deliverychannel ${deliveryChannel} is not one of fb, whatsapp, sms, voice, push, rt, appmessaging, AppleBusinessChat`,
    );
  }
  if (known === 'inactive') {
    throw refusal(
      'serviceInactive',
      `deliverychannel ${deliveryChannel} has no channel in this gateway yet; fb and whatsapp are active`,
    );
  }
  return { ...known, deliveryChannel: deliveryChannel.toLowerCase() };
}

export interface Plan {
  command: Omit<SendCommand, 'to' | 'correlationId'>;
  /** Native pointers of the command → the Webex fields they came from. */
  fields: FieldMapper;
}

const SMARTLINK = /\{\{\s*link_([^}\s]+)\s*\}\}/g;

export async function planSend(
  deps: SendDeps,
  tenantId: string,
  body: WebexRequest,
  target: Target,
  /** The channel account the request's appid names (app.ts). */
  from: string,
): Promise<Plan> {
  const content = contentOf(body, target);
  const links = await smartlinks(deps, tenantId, body, content.message);
  const policy = contactPolicy(body);
  const expiresAt = expiry(body.expiry);
  // Webex takes a request whose notifyurl is no URL and sends it no notifications.
  const notify = body.notifyurl !== undefined && /^https?:\/\/\S+$/.test(body.notifyurl);
  const command: Plan['command'] = {
    channel: target.channel,
    from,
    message: links?.message ?? content.message,
    ...(content.options !== undefined && Object.keys(content.options).length > 0
      ? { options: { [target.channel]: content.options } }
      : {}),
    ...(links ? { smartlinks: links.entries } : {}),
    ...(policy ? { policy } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    // Every event: the Webex shape itself leaves out what Webex does not notify.
    ...(notify ? { callbackUrl: body.notifyurl, callbackFormat: 'webex', callbackEvents: ['*'] } : {}),
    ...(body.callbackData !== undefined ? { callbackData: body.callbackData } : {}),
    ...(content.failAfterAccept !== undefined ? { failAfterAccept: content.failAfterAccept } : {}),
  };
  return {
    command,
    fields: firstOf(
      content.fields,
      fieldsUnder('/smartlinks', 'channels.smartlinks', { linkId: 'linkid' }),
      fieldsUnder('/policy/group', 'contactPolicy.contactPolicyGroup'),
      fieldsUnder('/policy', 'contactPolicy'),
      fieldsUnder('/expiresAt', 'expiry'),
      fieldsUnder('/callbackUrl', 'notifyurl'),
      fieldsUnder('/from', 'appid'),
      fieldsUnder('/channel', 'deliverychannel'),
    ),
  };
}

interface Content {
  message: SendableMessage;
  options?: Record<string, unknown> | undefined;
  fields: FieldMapper;
  failAfterAccept?: { code: string; reason: string } | undefined;
}

/** The channel block when there is one (it overrides `message`), else the stored template. */
function contentOf(body: WebexRequest, target: Target): Content {
  const ott = body.channels?.['OTT-Messaging'];
  const translated =
    target.block === 'fb'
      ? ott?.fb !== undefined
        ? translateFb(ott.fb)
        : undefined
      : ott?.wa !== undefined
        ? translateWa(ott.wa)
        : undefined;
  if (translated !== undefined) {
    const validCanonical = canonicalValidator();
    if (!validCanonical(translated.message)) {
      const issues = (validCanonical.errors ?? []).map((e): FieldIssue => {
        const missing = e.keyword === 'required' ? `/${String(e.params['missingProperty'])}` : '';
        return {
          pointer: `/message${e.instancePath}${missing}`,
          rule: e.keyword,
          detail: e.message ?? 'is invalid',
        };
      });
      throw fieldRefusal(issues, translated.fields);
    }
    return translated;
  }
  if (body.message !== undefined) {
    const parameters = Object.fromEntries(
      Object.entries(body.message.parameters ?? {}).map(([k, v]) => [k, String(v)]),
    );
    return {
      message: { type: 'stored_template', template: body.message.template, parameters },
      fields: firstOf(
        fieldsUnder('/message/parameters', 'message.parameters', {}),
        // Anything else under /message is the template or what it was filled into.
        (pointer) =>
          pointer === '/message' || pointer.startsWith('/message/') ? 'message.template' : undefined,
      ),
    };
  }
  const missingBlock = ott === undefined ? 'OTT-Messaging' : target.block;
  throw worded('mandatoryMissing', `param '${missingBlock}' missing for channel ${target.deliveryChannel}`);
}

/**
 * Webex's `{{link_<linkid>}}` names a smart link by its id; the native send numbers them
 * (`{{link_N}}`, the N-th entry). Each linkid is an Omnigate link id or a stored link's name.
 */
async function smartlinks(
  deps: SendDeps,
  tenantId: string,
  body: WebexRequest,
  message: SendableMessage,
): Promise<{ message: SendableMessage; entries: NonNullable<SendCommand['smartlinks']> } | undefined> {
  const given = body.channels?.smartlinks ?? [];
  const byLinkId = new Map(given.map((s, i) => [String(s.linkid), i + 1]));
  mapStrings(message, (s) => {
    for (const m of s.matchAll(SMARTLINK)) {
      if (!byLinkId.has(m[1] as string)) {
        throw refusal(
          'invalidParameters',
          `{{link_${m[1]}}} has no channels.smartlinks entry with linkid ${m[1]}`,
        );
      }
    }
    return s;
  });
  if (given.length === 0) return undefined;
  let named: Awaited<ReturnType<SendDeps['store']['links']['list']>> | undefined;
  const entries: NonNullable<SendCommand['smartlinks']> = [];
  for (const [i, s] of given.entries()) {
    const linkid = String(s.linkid);
    let link = await deps.store.links.get(tenantId, linkid);
    if (link === undefined) {
      named ??= await deps.store.links.list(tenantId);
      link = named.find((l) => l.name === linkid);
    }
    if (link === undefined) {
      throw refusal(
        'invalidParameters',
        `channels.smartlinks[${i}].linkid: no link ${linkid} (an Omnigate link id, or the name of one: POST /v1/links)`,
      );
    }
    // Webex counts a link's validity in minutes; the native send in seconds.
    entries.push({
      linkId: link.id,
      ...(s.validity !== undefined ? { validity: Number(s.validity) * 60 } : {}),
    });
  }
  const numbered = mapStrings(message, (s) =>
    s.replace(SMARTLINK, (_m, id: string) => `{{link_${byLinkId.get(id)}}}`),
  ) as SendableMessage;
  return { message: numbered, entries };
}

function contactPolicy(body: WebexRequest): SendCommand['policy'] {
  const p = body.contactPolicy;
  if (p === undefined) return undefined;
  const checkConsent = p.channelCheckConsent === true;
  const applyFrequencyCap = p.channelApplyFrequencyCap === true;
  if (!checkConsent && !applyFrequencyCap) {
    throw refusal(
      'invalidParameters',
      'contactPolicy: channelCheckConsent or channelApplyFrequencyCap must be true',
    );
  }
  if (p.contactPolicyGroup === undefined || p.contactPolicyGroup === '') {
    throw refusal('mandatoryMissing', 'contactPolicy.contactPolicyGroup');
  }
  return {
    group: p.contactPolicyGroup,
    ...(checkConsent ? { checkConsent } : {}),
    ...(applyFrequencyCap ? { applyFrequencyCap } : {}),
  };
}

/**
 * Webex's expiry is an instant whose offset may have a one-digit hour (`+5:30`, in the document's
 * own example), which no date parser takes: it is written out in full first.
 */
export function expiry(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const normalized = value
    .trim()
    .replace(/([+-])(\d{1,2}):?(\d{2})$/, (_m, sign: string, h: string, m: string) => {
      return `${sign}${h.padStart(2, '0')}:${m}`;
    });
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(normalized) ? Date.parse(normalized) : Number.NaN;
  if (Number.isNaN(at)) {
    throw refusal('invalidParameters', `expiry ${value} is not a time such as 2015-04-12T13:00:19.456Z`);
  }
  return new Date(at).toISOString();
}

/**
 * Native field issues as one Webex refusal: 7003 when something mandatory is missing, else 7004,
 * naming each field as the client sent it.
 */
export function fieldRefusal(issues: FieldIssue[], fields: FieldMapper): WebexError {
  const required = issues.some((i) => i.rule === 'required');
  const parts = issues.map((i) => `${fields(i.pointer) ?? i.pointer}: ${i.detail}`);
  return refusal(required ? 'mandatoryMissing' : 'invalidParameters', [...new Set(parts)].join('; '));
}
