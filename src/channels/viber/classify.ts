/**
 * What a Viber answer means for the message. Viber answers HTTP 200 whatever happened, with the
 * outcome in the body's `status` (0 ok); 12 is its only throttling signal and carries no wait.
 */

import type { ProviderResponse, SendOutcome } from '../../core/vocabulary/channel.ts';
import { isObj } from '../../lib/json.ts';
import { proxyServerError, SENT_WITHOUT_ID } from '../kit/unknown-outcome.ts';
import { bareMessageToken, viberTokenId } from './message-token.ts';

/** Viber's status codes (errors.md): name, and whether sending again can ever help. */
export const VIBER_STATUS: Readonly<Record<number, { name: string; retry: boolean; what: string }>> = {
  0: { name: 'ok', retry: false, what: 'ok' },
  1: { name: 'invalidUrl', retry: false, what: 'the URL is invalid' },
  2: { name: 'invalidAuthToken', retry: false, what: 'the auth token is not valid' },
  3: { name: 'badData', retry: false, what: 'the request is malformed' },
  4: { name: 'missingData', retry: false, what: 'a mandatory field is missing' },
  5: { name: 'receiverNotRegistered', retry: false, what: 'the receiver is not a Viber user' },
  6: { name: 'receiverNotSubscribed', retry: false, what: 'the receiver is not subscribed to the bot' },
  7: { name: 'publicAccountBlocked', retry: false, what: 'the bot account is blocked' },
  8: { name: 'publicAccountNotFound', retry: false, what: 'no bot account has this token' },
  9: { name: 'publicAccountSuspended', retry: false, what: 'the bot account is suspended' },
  10: {
    name: 'webhookNotSet',
    retry: false,
    what: 'the bot has no webhook set (Viber requires one to send)',
  },
  11: {
    name: 'receiverNoSuitableDevice',
    retry: false,
    what: "the receiver's device or Viber version cannot get bot messages",
  },
  12: { name: 'tooManyRequests', retry: true, what: 'rate limit exceeded' },
  13: {
    name: 'apiVersionNotSupported',
    retry: false,
    what: "min_api_version is above the receiver's client",
  },
  14: {
    name: 'incompatibleWithVersion',
    retry: false,
    what: 'the message uses features min_api_version does not allow',
  },
  15: { name: 'publicAccountNotAuthorized', retry: false, what: 'the bot is not authorized' },
  16: { name: 'inchatReplyMessageNotAllowed', retry: false, what: 'inline messages are not allowed' },
  17: { name: 'publicAccountIsNotInline', retry: false, what: 'the bot is not an inline bot' },
  18: { name: 'noPublicChat', retry: false, what: 'no public chat' },
  19: { name: 'cannotSendBroadcast', retry: false, what: 'the broadcast could not be sent' },
  20: { name: 'broadcastNotAllowed', retry: false, what: 'the bot may not broadcast' },
  21: {
    name: 'unsupportedCountry',
    retry: false,
    what: "Viber does not deliver bot messages to the receiver's country",
  },
  22: { name: 'paymentUnsupported', retry: false, what: 'the bot does not support payments' },
  23: {
    name: 'freeMessagesExceeded',
    retry: false,
    what: "the month's free out-of-session messages are used up",
  },
  24: { name: 'noBalance', retry: false, what: 'the billable bot has no balance left' },
};

export function classifyViberResponse(response: ProviderResponse): SendOutcome {
  const { status } = response;
  if (status === 429)
    return { kind: 'rate_limited', code: 'viber_http_429', reason: 'Viber answered HTTP 429' };
  // Viber answers 200 whatever happened: a 5xx came from something in front of it.
  if (status >= 500) return proxyServerError(status, `viber_http_${status}`, `Viber answered HTTP ${status}`);
  if (!isObj(response.body) || typeof response.body['status'] !== 'number') {
    const text =
      typeof response.body === 'string' && response.body !== '' ? `: ${response.body.slice(0, 300)}` : '';
    // Viber answers everything with a JSON status; a 2xx whose body cannot be read still took it.
    return status >= 200 && status < 300
      ? SENT_WITHOUT_ID
      : { kind: 'permanent', code: `viber_http_${status}`, reason: `Viber answered HTTP ${status}${text}` };
  }
  const body = response.body;
  const code = body['status'] as number;
  if (code === 0) {
    // The token's exact digits come from the raw answer: the parsed body has it rounded.
    const exact = response.rawBody !== undefined ? bareMessageToken(response.rawBody) : undefined;
    const id = viberTokenId(exact ?? body['message_token']);
    return id !== undefined ? { kind: 'sent', providerMessageId: id } : { kind: 'sent' };
  }
  const known = VIBER_STATUS[code];
  const message = typeof body['status_message'] === 'string' ? body['status_message'] : undefined;
  const name = known?.name ?? 'failure';
  const reason = `${message ?? name} (Viber status ${code}${known ? `: ${known.what}` : ''})`;
  if (code === 12) return { kind: 'rate_limited', code: 'viber_tooManyRequests', reason };
  // "General error … try again" (errors.md): an unknown status is worth another attempt.
  if (known === undefined) return { kind: 'transient', code: `viber_status_${code}`, reason };
  return { kind: 'permanent', code: `viber_${name}`, reason };
}
