/**
 * Facts of the Viber REST API that the connector and the emulator both hold to: the send path and
 * how a callback is signed. One copy, so the two cannot drift apart.
 */
import { createHmac } from 'node:crypto';

export const VIBER_SEND_PATH = '/pa/send_message';

export const SIGNATURE_HEADER = 'x-viber-content-signature';

/** `X-Viber-Content-Signature`: hex(HMAC-SHA256(key = auth token, raw body)). */
export function signViberBody(rawBody: Buffer | string, authToken: string): string {
  return createHmac('sha256', authToken).update(rawBody).digest('hex');
}
