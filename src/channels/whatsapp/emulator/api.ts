/**
 * `POST /{version}/{phone-number-id}/messages` answered as WhatsApp does, in WhatsApp's order:
 * the access token (190), the phone number id (100 / 33), the body as JSON against Meta's schema
 * and prose rules (100 with details), the recipient's fate (sentinels, recipients.ts), approved
 * templates (132001 / 132000), then the success body with a fresh wamid.
 */
import { headerValue } from '../../../lib/headers.ts';
import { WA_ERRORS, type WaAnswer, waError } from './errors.ts';
import type { RecipientFate, SandboxRecipients } from './recipients.ts';
import { checkTemplate } from './templates.ts';
import type { WhatsAppValidators } from './validator.ts';
import { newWamid } from './webhook.ts';

export interface WaApiRequest {
  version: string;
  phoneNumberId: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface WaApiContext {
  accessToken: string;
  phoneNumberId: string;
  validators: WhatsAppValidators;
  recipients: SandboxRecipients;
}

export interface WaApiResult extends WaAnswer {
  parsedBody: unknown;
  /** Set when a message was accepted: its id, recipient and what happens to it next. */
  accepted?: { id: string; to: string; fate: RecipientFate };
}

export function handleMessages(req: WaApiRequest, ctx: WaApiContext): WaApiResult {
  let parsedBody: unknown = req.rawBody;
  const answer = (a: WaAnswer): WaApiResult => ({ ...a, parsedBody });

  const auth = headerValue(req.headers, 'authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (token === undefined) {
    return answer(
      waError(400, 2500, 'An active access token must be used to query information about the current user.', {
        type: 'OAuthException',
      }),
    );
  }
  if (token !== ctx.accessToken) return answer(WA_ERRORS.invalidToken());
  if (!/^v\d+\.\d+$/.test(req.version)) {
    return answer(
      waError(400, 2500, `Unknown path components: /${req.version}/${req.phoneNumberId}/messages`),
    );
  }
  if (req.phoneNumberId !== ctx.phoneNumberId) return answer(WA_ERRORS.unknownPhoneNumber(req.phoneNumberId));

  try {
    parsedBody = JSON.parse(req.rawBody);
  } catch {
    return answer(WA_ERRORS.invalidParameter('The request body is not valid JSON.'));
  }
  if (typeof parsedBody !== 'object' || parsedBody === null || Array.isArray(parsedBody)) {
    return answer(WA_ERRORS.invalidParameter('The request body must be a JSON object.'));
  }
  const body = parsedBody as Record<string, unknown>;

  if (body['status'] === 'read') {
    const problems = ctx.validators.markRead(body);
    if (problems.length > 0) return answer(WA_ERRORS.invalidParameter(problems.join(' ')));
    if (!String(body['message_id']).startsWith('wamid.')) {
      return answer(WA_ERRORS.invalidParameter('Param message_id is not a valid WhatsApp message id.'));
    }
    return answer({ status: 200, body: { success: true } });
  }

  const problems = ctx.validators.message(body);
  if (problems.length > 0) {
    if (body['messaging_product'] === undefined) {
      return answer(waError(400, 100, '(#100) The parameter messaging_product is required.'));
    }
    return answer(WA_ERRORS.invalidParameter(problems.join(' ')));
  }

  const to = String(body['to']).replace(/^\+/, '');
  const fate = ctx.recipients.fate(to);
  if (fate.kind === 'refuse') return answer(fate.answer);
  if (body['type'] === 'template') {
    const refusal = checkTemplate(body['template'] as Record<string, unknown>);
    if (refusal !== undefined) return answer(refusal);
  }
  const id = newWamid(to);
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: String(body['to']), wa_id: to }],
      messages: [{ id }],
    },
    parsedBody,
    accepted: { id, to, fate },
  };
}
