/**
 * Viber's `message_token` is a 64-bit integer written as a bare JSON number (e.g.
 * 5741311803571721087), beyond what a JavaScript number holds exactly. JSON.parse would round it,
 * and two tokens less than ~1,000 apart would then name the same message. So both the send answer
 * (from the raw body the dispatcher keeps) and the callbacks (decodeInbound) are parsed with the
 * token quoted first, and the id is its exact decimal text.
 */
const BARE_TOKEN = /("message_token"\s*:\s*)(-?\d+)/g;
/** BARE_TOKEN, once, only where the whole number is an integer. */
const FIRST_BARE_TOKEN = new RegExp(`${BARE_TOKEN.source}(?![.eE\\d])`);

/** The JSON text with every bare `message_token` number turned into a string of its digits. */
export function quoteMessageTokens(json: string): string {
  return json.replace(BARE_TOKEN, '$1"$2"');
}

/**
 * The digits of the first bare `message_token` number in a JSON text, found without parsing it;
 * undefined when there is none (a quoted token, or one written with a fraction or exponent).
 */
export function bareMessageToken(json: string): string | undefined {
  return FIRST_BARE_TOKEN.exec(json)?.[2];
}

/** Parses Viber JSON keeping message tokens exact. Throws on malformed JSON, as JSON.parse does. */
export function parseViberJson(json: string): unknown {
  return JSON.parse(quoteMessageTokens(json));
}

export function viberTokenId(value: unknown): string | undefined {
  if (typeof value === 'string' && /^-?[0-9]{1,20}$/.test(value)) return BigInt(value).toString();
  // Only reached for a body parsed without parseViberJson: exact when it is a safe integer.
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  return undefined;
}
