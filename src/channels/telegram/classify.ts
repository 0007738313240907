/**
 * What a Telegram answer means for the message. Every answer is `{ok, result}` or
 * `{ok:false, error_code, description, parameters?}`; a 429 carries `parameters.retry_after` in
 * seconds, which is the only throttling signal Telegram gives.
 */

import type { ProviderResponse, SendOutcome } from '../../core/vocabulary/channel.ts';
import { isObj } from '../../lib/json.ts';
import { proxyServerError, SENT_WITHOUT_ID } from '../kit/unknown-outcome.ts';

export function classifyTelegramResponse(response: ProviderResponse): SendOutcome {
  const { status } = response;
  const ok = status >= 200 && status < 300;
  if (!isObj(response.body)) {
    if (ok) return SENT_WITHOUT_ID;
    const text =
      typeof response.body === 'string' && response.body !== '' ? `: ${response.body.slice(0, 300)}` : '';
    const reason = `Telegram answered HTTP ${status} without JSON${text}`;
    if (status >= 500) return proxyServerError(status, `telegram_http_${status}`, reason);
    return { kind: 'transient', code: 'telegram_bad_answer', reason };
  }
  const body = response.body;
  // Only an explicit ok:false undoes a 2xx.
  if (ok && body['ok'] !== false) return sent(body['result']);
  const code = typeof body['error_code'] === 'number' ? body['error_code'] : status;
  const reason =
    typeof body['description'] === 'string' && body['description'] !== ''
      ? body['description']
      : `Telegram answered HTTP ${status}`;
  if (status === 429 || code === 429) {
    const params = isObj(body['parameters']) ? body['parameters'] : {};
    const retryAfter = params['retry_after'];
    return {
      kind: 'rate_limited',
      code: 'telegram_429',
      reason,
      ...(typeof retryAfter === 'number' && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  if (status >= 500 || code >= 500) return { kind: 'transient', code: `telegram_${code}`, reason };
  if (status >= 200 && status < 300) {
    // HTTP 200 with ok:false is not documented; treat it like the error it says it is.
    return { kind: 'permanent', code: 'telegram_not_ok', reason };
  }
  return { kind: 'permanent', code: `telegram_${code}`, reason };
}

/**
 * Telegram numbers messages per chat, so a bare `message_id` names a different message in every
 * chat: the id is `<chat id>:<message id>`. Results without a chat (`MessageId` from copyMessage)
 * keep the bare number, which is all Telegram gives.
 */
function sent(result: unknown): SendOutcome {
  const message = Array.isArray(result) ? result[0] : result;
  if (!isObj(message)) return { kind: 'sent' };
  const messageId = message['message_id'];
  if (typeof messageId !== 'number' && typeof messageId !== 'string') return { kind: 'sent' };
  const chat = isObj(message['chat']) ? message['chat']['id'] : undefined;
  const prefix = typeof chat === 'number' || typeof chat === 'string' ? `${chat}:` : '';
  return { kind: 'sent', providerMessageId: `${prefix}${messageId}` };
}
