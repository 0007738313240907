/**
 * What Messenger, Instagram and WhatsApp share on the inbound side: Meta signs every webhook with
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, and verifies a webhook URL
 * once with a GET carrying `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge`.
 */
import { createHmac } from 'node:crypto';
import type { Credentials, InboundRequest } from '../../../core/vocabulary/channel.ts';
import { headerValue, secretsEqual } from '../../../lib/headers.ts';

export const HUB_SIGNATURE_HEADER = 'x-hub-signature-256';

export function signHubBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyHubSignature(request: InboundRequest, appSecret: string | undefined): boolean {
  const header = headerValue(request.headers, HUB_SIGNATURE_HEADER);
  if (header === undefined || appSecret === undefined || appSecret === '') return false;
  return secretsEqual(signHubBody(request.rawBody, appSecret), header);
}

/** Meta's GET verification: echo `hub.challenge` when the verify token is ours. */
export function hubHandshake(query: Record<string, string>, credentials: Credentials): string | undefined {
  const expected = credentials['verifyToken'];
  if (query['hub.mode'] !== 'subscribe' || expected === undefined || expected === '') return undefined;
  const given = query['hub.verify_token'];
  if (given === undefined || !secretsEqual(expected, given)) return undefined;
  return query['hub.challenge'];
}
