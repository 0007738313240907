/**
 * Viber callbacks: `X-Viber-Content-Signature` is hex(HMAC-SHA256(key = auth token, raw body)),
 * checked on the exact bytes received. Receipts (delivered / seen / failed) name the message by
 * its `message_token`; messages come from the person with `sender.id`.
 */
import type { Credentials, InboundEvent, InboundRequest } from '../../core/vocabulary/channel.ts';
import { headerValue, secretsEqual } from '../../lib/headers.ts';
import { isObj, str } from '../../lib/json.ts';
import { viberTokenId } from './message-token.ts';
import { SIGNATURE_HEADER, signViberBody } from './provider.ts';

export function verifyViberSignature(request: InboundRequest, credentials: Credentials): boolean {
  const token = credentials['authToken'];
  const given = headerValue(request.headers, SIGNATURE_HEADER);
  if (!token || !given) return false;
  return secretsEqual(signViberBody(request.rawBody, token), given.toLowerCase());
}

const RECEIPTS = { delivered: 'delivered', seen: 'read', failed: 'failed' } as const;

/** One callback is one event. */
export function parseViberCallback(body: unknown): InboundEvent[] {
  if (!isObj(body)) return [];
  const event = str(body['event']) ?? 'unknown';
  const occurredAt = new Date(typeof body['timestamp'] === 'number' ? body['timestamp'] : Date.now());
  const token = viberTokenId(body['message_token']);
  const userId = str(body['user_id']);

  if (event in RECEIPTS && token !== undefined) {
    const status = RECEIPTS[event as keyof typeof RECEIPTS];
    const reason = str(body['desc']);
    return [
      {
        kind: 'status',
        // `seen` comes once per device of the person; one is enough.
        providerEventId: `${event}:${token}:${userId ?? ''}`,
        providerMessageId: token,
        status,
        ...(status === 'failed' && reason !== undefined ? { reason } : {}),
        occurredAt,
      },
    ];
  }
  const sender = isObj(body['sender']) ? str(body['sender']['id']) : undefined;
  const message = body['message'];
  if (event === 'message' && sender !== undefined && isObj(message)) {
    const text = str(message['text']);
    return [
      {
        kind: 'message',
        ...(token !== undefined ? { providerEventId: `message:${token}` } : {}),
        from: sender,
        contentType: str(message['type']) ?? 'unknown',
        ...(text !== undefined ? { text } : {}),
        occurredAt,
      },
    ];
  }
  const user = isObj(body['user']) ? str(body['user']['id']) : undefined;
  const from = user ?? userId ?? sender;
  return [
    {
      kind: 'other',
      type: event,
      ...(token !== undefined ? { providerEventId: `${event}:${token}` } : {}),
      ...(from !== undefined ? { from } : {}),
      occurredAt,
    },
  ];
}
