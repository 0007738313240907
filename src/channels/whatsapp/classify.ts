/**
 * What a WhatsApp answer means for the message. WhatsApp answers in the Graph error envelope and
 * the code, not the HTTP status, says what happened (providers.md §6): the same HTTP 400 carries a
 * throughput limit, a 24-hour-window refusal and a bad parameter.
 */

import type { ProviderResponse, SendOutcome } from '../../core/vocabulary/channel.ts';
import { readGraphError } from '../families/meta-graph/errors.ts';
import { proxyServerError } from '../kit/unknown-outcome.ts';

/** Throttling: throughput (130429), pair rate (131056), app (4) and WABA (80007) limits. */
const RATE_LIMITS = new Set([4, 80007, 130429, 131056]);
/** WhatsApp or Meta is briefly unable to take the message: unknown error, service unavailable. */
const TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);
/** WhatsApp documents about one message per 6 s to the same user. */
const PAIR_RATE_WAIT_MS = 6_000;

/** Our code for a permanent refusal, by WhatsApp code (the reason keeps WhatsApp's own words). */
const PERMANENT_CODES: Readonly<Record<number, string>> = {
  3: 'whatsapp_capability',
  10: 'whatsapp_permission_denied',
  100: 'whatsapp_invalid_parameter',
  190: 'whatsapp_access_token',
  131008: 'whatsapp_required_parameter_missing',
  131009: 'whatsapp_invalid_parameter',
  131021: 'whatsapp_recipient_is_sender',
  131026: 'whatsapp_undeliverable',
  131031: 'whatsapp_account_locked',
  131047: 'whatsapp_reengagement_window',
  131049: 'whatsapp_marketing_limit',
  131051: 'whatsapp_unsupported_type',
  131052: 'whatsapp_media_download',
  131053: 'whatsapp_media_upload',
  132000: 'whatsapp_template_parameter_count',
  132001: 'whatsapp_template_missing',
  132005: 'whatsapp_template_text_too_long',
  132007: 'whatsapp_template_policy',
  132012: 'whatsapp_template_parameter_format',
  133010: 'whatsapp_phone_not_registered',
};

export function classifyWhatsAppResponse(response: ProviderResponse): SendOutcome {
  const { status } = response;
  const error = readGraphError(response.body);
  if (error === undefined) {
    if (status >= 200 && status < 300) return sent(response.body);
    const text =
      typeof response.body === 'string' && response.body !== '' ? `: ${response.body.slice(0, 300)}` : '';
    const reason = `WhatsApp answered HTTP ${status}${text}`;
    if (status === 429) return { kind: 'rate_limited', code: 'whatsapp_http_429', reason };
    if (status >= 500) return proxyServerError(status, `whatsapp_http_${status}`, reason);
    return { kind: 'permanent', code: `whatsapp_http_${status}`, reason };
  }
  const reason = describe(error.code, error.message, error.details);
  if (RATE_LIMITS.has(error.code)) {
    return {
      kind: 'rate_limited',
      code: `whatsapp_${error.code}`,
      reason,
      ...(error.code === 131056 ? { retryAfterMs: PAIR_RATE_WAIT_MS } : {}),
    };
  }
  if (TRANSIENT.has(error.code)) return { kind: 'transient', code: `whatsapp_${error.code}`, reason };
  const code = PERMANENT_CODES[error.code] ?? (status >= 500 ? undefined : `whatsapp_${error.code}`);
  // An unknown code on a 5xx is most likely Meta having trouble; retrying is the safer bet.
  if (code === undefined) return { kind: 'transient', code: `whatsapp_${error.code}`, reason };
  return { kind: 'permanent', code, reason };
}

function sent(body: unknown): SendOutcome {
  const messages =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['messages'] : undefined;
  const first = Array.isArray(messages) ? messages[0] : undefined;
  const id =
    typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? { kind: 'sent', providerMessageId: id } : { kind: 'sent' };
}

/** `(#131047) Re-engagement message: Message failed to send because more than 24 hours ...`. */
export function describe(code: number, message: string, details: string | undefined): string {
  const head = message !== '' ? message : `WhatsApp error ${code}`;
  const tagged = head.includes(`#${code}`) ? head : `(#${code}) ${head}`;
  return details !== undefined && details !== '' && !head.includes(details)
    ? `${tagged}: ${details}`
    : tagged;
}
