/**
 * What a Send API answer means, for Messenger and Instagram (`name` prefixes the outcome codes).
 * Success is `{recipient_id, message_id}` (a sender action has no `message_id`); every error is the
 * Graph envelope, read by ../meta-graph/errors.ts. Graph has no Retry-After: throttling is error
 * code 613 / 4 / 17 / 32 or a business-use-case code (80000-80014), with the time to regain access,
 * when known, in minutes in X-Business-Use-Case-Usage.
 */

import type { ProviderResponse, SendOutcome } from '../../../core/vocabulary/channel.ts';
import { headerValue } from '../../../lib/headers.ts';
import { proxyServerError, SENT_WITHOUT_ID } from '../../kit/unknown-outcome.ts';
import { type GraphError, readGraphError } from '../meta-graph/errors.ts';

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isRateLimit = (code: number) => RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014);
const TRANSIENT_CODES = new Set([1, 2, 1200]);

export function classifySendApi(name: string, displayName: string, response: ProviderResponse): SendOutcome {
  const { status, body } = response;
  const error = readGraphError(body);
  if (error === undefined) {
    if (status >= 200 && status < 300) {
      if (typeof body !== 'object' || body === null) return SENT_WITHOUT_ID;
      const id = (body as Record<string, unknown>)['message_id'];
      return typeof id === 'string' && id !== '' ? { kind: 'sent', providerMessageId: id } : { kind: 'sent' };
    }
    const text = typeof body === 'string' && body !== '' ? `: ${body.slice(0, 300)}` : '';
    const reason = `${displayName} answered HTTP ${status} without a Graph answer${text}`;
    if (status >= 500) return proxyServerError(status, `${name}_http_${status}`, reason);
    return { kind: 'transient', code: `${name}_bad_answer`, reason };
  }
  const code =
    error.subcode !== undefined ? `${name}_${error.code}_${error.subcode}` : `${name}_${error.code}`;
  const reason = describe(error);
  if (isRateLimit(error.code)) {
    const wait = regainAccessMs(response.headers);
    return { kind: 'rate_limited', code, reason, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (TRANSIENT_CODES.has(error.code) || status >= 500) return { kind: 'transient', code, reason };
  return { kind: 'permanent', code, reason };
}

/** Graph's message, with what it means where Meta's wording leaves it unsaid. */
function describe(e: GraphError): string {
  const message = e.message !== '' ? e.message : `Graph error ${e.code}`;
  if (e.code === 10 && e.subcode === 2018278) {
    return `${message} (outside the 24-hour window: send with messagingType MESSAGE_TAG and a tag)`;
  }
  if (e.code === 100 && e.subcode === 2018001) return `${message} (no such person for this Page)`;
  if (e.code === 190)
    return `${message} (the access token is invalid or expired: replace the account's credentials)`;
  return message;
}

/** The largest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage, in ms. */
function regainAccessMs(headers: ProviderResponse['headers']): number | undefined {
  const raw = headerValue(headers, 'x-business-use-case-usage');
  if (raw === undefined) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, unknown>;
    let minutes = 0;
    for (const list of Object.values(usage)) {
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const m = (entry as Record<string, unknown>)?.['estimated_time_to_regain_access'];
        if (typeof m === 'number' && m > minutes) minutes = m;
      }
    }
    return minutes > 0 ? minutes * 60_000 : undefined;
  } catch {
    return undefined;
  }
}
