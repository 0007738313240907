/**
 * Credentials that travel in URLs: Telegram puts the bot token in the path (`/bot<id>:<secret>/`),
 * and clients and providers put keys and tokens in query strings (`?api_key=`, WeChat's
 * `?access_token=`, Meta's `hub.verify_token`). Text bound for a log or a record shown to people
 * goes through `redactSecrets`, which keeps the URL readable and drops the secret.
 */

/** `<bot id>:<secret>`, the colon possibly percent-encoded. */
const TELEGRAM_TOKEN = /(\/bot\d+)(?::|%3A)[^/\s"'?#&\\]*/gi;

/** Query parameters whose value is a credential, wherever a URL appears in the text. */
const SECRET_PARAMS =
  /([?&](?:api[_-]?key|key|token|access[_-]?token|secret|client[_-]?secret|password|passwd|auth|hub\.verify_token|verify[_-]?token)=)[^&#\s"'\\]*/gi;

export const REDACTED = '[redacted]';

export function redactSecrets(text: string): string {
  return text.replace(TELEGRAM_TOKEN, `$1:${REDACTED}`).replace(SECRET_PARAMS, `$1${REDACTED}`);
}
