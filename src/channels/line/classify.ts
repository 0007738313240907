/**
 * What a LINE answer means for the message. The two traps: a 429 is also how LINE says the monthly
 * free-message quota is spent (retrying cannot help until next month), and a 409 on push means the
 * retry key was already accepted, i.e. an earlier attempt we could not confirm did go through.
 */

import type { ProviderResponse, SendOutcome } from '../../core/vocabulary/channel.ts';
import { headerValue } from '../../lib/headers.ts';
import { isObj } from '../../lib/json.ts';
import { proxyServerError } from '../kit/unknown-outcome.ts';

interface LineErrorBody {
  message?: unknown;
  details?: unknown;
  sentMessages?: unknown;
}

export function classifyLineResponse(response: ProviderResponse): SendOutcome {
  const { status } = response;
  const body: LineErrorBody = isObj(response.body) ? response.body : {};
  if (status >= 200 && status < 300) return sent(body);
  if (status === 409) return sent(body);
  const reason = describe(status, body, response.body);
  if (status === 429) {
    if (/monthly limit/i.test(String(body.message ?? ''))) {
      return { kind: 'permanent', code: 'line_monthly_quota', reason };
    }
    const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
    return {
      kind: 'rate_limited',
      code: 'line_rate_limited',
      reason,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status >= 500) {
    // LINE's own error body says it failed; a bare one came from a proxy in front of it.
    return typeof body.message === 'string'
      ? { kind: 'transient', code: 'line_server_error', reason }
      : proxyServerError(status, `line_http_${status}`, reason);
  }
  return { kind: 'permanent', code: permanentCode(status, body), reason };
}

function sent(body: LineErrorBody): SendOutcome {
  const first = Array.isArray(body.sentMessages) ? body.sentMessages[0] : undefined;
  const id = isObj(first) && typeof first['id'] === 'string' ? first['id'] : undefined;
  return id !== undefined ? { kind: 'sent', providerMessageId: id } : { kind: 'sent' };
}

function permanentCode(status: number, body: LineErrorBody): string {
  if (status === 400 && /reply token/i.test(String(body.message ?? ''))) return 'line_invalid_reply_token';
  switch (status) {
    case 400:
      return 'line_bad_request';
    case 401:
      return 'line_unauthorized';
    case 403:
      return 'line_forbidden';
    case 404:
      return 'line_not_found';
    default:
      return `line_http_${status}`;
  }
}

/** LINE's message with its details, e.g. `The request body has 1 error(s): messages[0].text: May not be empty`. */
function describe(status: number, body: LineErrorBody, raw: unknown): string {
  const message = typeof body.message === 'string' ? body.message : undefined;
  const details = Array.isArray(body.details)
    ? body.details
        .filter(isObj)
        .map((d) => [d['property'], d['message']].filter((v) => typeof v === 'string' && v !== '').join(': '))
        .filter((d) => d !== '')
    : [];
  if (message === undefined) {
    const text = typeof raw === 'string' && raw !== '' ? `: ${raw.slice(0, 500)}` : '';
    return `LINE answered HTTP ${status}${text}`;
  }
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}

/** LINE documents no Retry-After, but a proxy in front of it may send one; seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
