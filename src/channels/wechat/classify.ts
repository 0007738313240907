/**
 * What a WeChat answer means for the message. WeChat answers HTTP 200 with
 * `{errcode, errmsg}` for success (errcode 0) and for every refusal, so the errcode decides:
 * a refused access token is retried with a fresh one, the throttles are rate limits, the 48-hour
 * window and the per-interaction quota are permanent (only the person can reopen them, by writing
 * again), and unknown codes are permanent with WeChat's errmsg.
 */

import type { ProviderResponse, SendOutcome } from '../../core/vocabulary/channel.ts';
import { isObj } from '../../lib/json.ts';
import { proxyServerError, SENT_WITHOUT_ID } from '../kit/unknown-outcome.ts';

/** Codes that say the access token is invalid, expired or not the latest. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 41001, 42001]);

/** Why the person cannot be reached now, in words a caller can act on. */
const PERMANENT_HINTS: Readonly<Record<number, string>> = {
  45015:
    'outside the 48-hour window (the user has not written within 48 h, or unfollowed): wait for the user to write again',
  45047:
    'the per-interaction quota is spent (5 messages per user message within 48 h, 3 per menu click, follow or scan within 1 min): wait for the user to write again',
  40003: 'not an openid of a follower of this account',
  43004: 'the user does not follow this account',
  48001: 'this account is not authorised for the customer-service API',
};

export function classifyWechatResponse(response: ProviderResponse): SendOutcome {
  const { status, body } = response;
  // WeChat answers 200 with an errcode whatever happened: a 5xx came from something in front of it.
  if (status >= 500) {
    return proxyServerError(status, `wechat_http_${status}`, `WeChat answered HTTP ${status}`);
  }
  if (!isObj(body) || typeof body['errcode'] !== 'number') {
    if (status >= 200 && status < 300 && !isObj(body)) return SENT_WITHOUT_ID;
    const text = typeof body === 'string' && body !== '' ? `: ${body.slice(0, 300)}` : '';
    return {
      kind: 'transient',
      code: 'wechat_bad_answer',
      reason: `WeChat answered HTTP ${status} without an errcode${text}`,
    };
  }
  const errcode = body['errcode'];
  const errmsg = typeof body['errmsg'] === 'string' ? body['errmsg'] : '';
  if (errcode === 0 && status >= 200 && status < 300) {
    const id = body['msgid'];
    return typeof id === 'number' || typeof id === 'string'
      ? { kind: 'sent', providerMessageId: String(id) }
      : { kind: 'sent' };
  }
  const code = `wechat_${errcode}`;
  const reason = `${errcode} ${errmsg}`.trim();
  if (TOKEN_ERRCODES.has(errcode)) {
    return { kind: 'transient', code, reason, invalidateAccessToken: true };
  }
  // -1 "system error": WeChat asks to retry later.
  if (errcode === -1) return { kind: 'transient', code, reason };
  // 45009 is the daily API call quota and 45011 the minute quota; neither gives a wait, but the
  // minute quota clears within a minute.
  if (errcode === 45011) return { kind: 'rate_limited', code, reason, retryAfterMs: 60_000 };
  if (errcode === 45009) return { kind: 'rate_limited', code, reason };
  const hint = PERMANENT_HINTS[errcode];
  return { kind: 'permanent', code, reason: hint !== undefined ? `${reason}: ${hint}` : reason };
}
