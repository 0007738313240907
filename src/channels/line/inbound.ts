/**
 * LINE webhooks: `x-line-signature` is Base64(HMAC-SHA256(channel secret, raw body)), checked on the
 * exact bytes received (re-serialised JSON would not match), and the events normalised.
 */
import type { Credentials, InboundEvent, InboundRequest } from '../../core/vocabulary/channel.ts';
import { headerValue, secretsEqual } from '../../lib/headers.ts';
import { isObj, type Obj, str } from '../../lib/json.ts';
import { signLineBody } from './provider/api.ts';

export function verifyLineSignature(request: InboundRequest, credentials: Credentials): boolean {
  const secret = credentials['channelSecret'];
  const given = headerValue(request.headers, 'x-line-signature');
  if (!secret || !given) return false;
  return secretsEqual(signLineBody(request.rawBody, secret), given);
}

/**
 * Message and postback events become `message` / `postback`; everything else (follow, join,
 * unsend, ...) is passed on as `other` with its type. LINE has no per-message delivery or read
 * receipts for bots, so no `status` events ever come from here.
 */
export function parseLineWebhook(body: unknown): InboundEvent[] {
  if (!isObj(body) || !Array.isArray(body['events'])) return [];
  return body['events'].filter(isObj).map(toEvent);
}

function toEvent(e: Obj): InboundEvent {
  const type = str(e['type']) ?? 'unknown';
  const occurredAt = new Date(typeof e['timestamp'] === 'number' ? e['timestamp'] : Date.now());
  const providerEventId = str(e['webhookEventId']);
  const from = sender(e['source']);
  const replyToken = str(e['replyToken']);
  const common = {
    ...(providerEventId !== undefined ? { providerEventId } : {}),
    ...(replyToken !== undefined ? { replyToken } : {}),
    occurredAt,
  };
  const message = e['message'];
  if (type === 'message' && isObj(message) && from !== undefined) {
    const text = str(message['text']);
    return {
      kind: 'message',
      from,
      contentType: str(message['type']) ?? 'unknown',
      ...(text !== undefined ? { text } : {}),
      ...common,
    };
  }
  const postback = e['postback'];
  if (type === 'postback' && isObj(postback) && from !== undefined) {
    return { kind: 'postback', from, payload: str(postback['data']) ?? '', ...common };
  }
  return {
    kind: 'other',
    type,
    ...(from !== undefined ? { from } : {}),
    ...(providerEventId !== undefined ? { providerEventId } : {}),
    occurredAt,
  };
}

/**
 * The person who acted. In a group or room LINE omits `userId` for users who have not consented,
 * and then the group or room is the only address we can answer.
 */
function sender(source: unknown): string | undefined {
  if (!isObj(source)) return undefined;
  return str(source['userId']) ?? str(source['groupId']) ?? str(source['roomId']);
}
