/**
 * WeChat webhooks: pushed as XML to the URL with `signature`, `timestamp`, `nonce` (and `openid`)
 * in the query; in compatible and safe mode also `encrypt_type=aes` and `msg_signature`, with the
 * message sealed in `<Encrypt>` (encrypted-push.ts). The GET URL check adds `echostr`, echoed when
 * the signature matches. Every push expects the plain-text answer `success` within 5 s.
 */

import type { Credentials, InboundEvent, InboundRequest } from '../../core/vocabulary/channel.ts';
import { isObj } from '../../lib/json.ts';
import { isEncryptedPush, openEncryptedPush, verifyEncryptedPush } from './encrypted-push.ts';
import { signedByWechat } from './provider/signature.ts';

/** An encrypted push is verified by its msg_signature, which also covers the ciphertext. */
export function verifyWechatPush(request: InboundRequest, credentials: Credentials): boolean {
  return isEncryptedPush(request, credentials)
    ? verifyEncryptedPush(request, credentials)
    : signedByWechat(request.query, credentials['token']);
}

/** The XML to decode: an encrypted push's message, checked for the account's appid; else the body. */
export function openWechatPush(request: InboundRequest, credentials: Credentials): Buffer | undefined {
  return isEncryptedPush(request, credentials) ? openEncryptedPush(request, credentials) : request.rawBody;
}

/** The signed timestamp (Unix seconds) and nonce of a push's query. */
export function wechatFreshness(request: InboundRequest): { signedAt: number; nonce: string } | undefined {
  const { timestamp, nonce } = request.query ?? {};
  const signedAt = Number(timestamp);
  if (!nonce || !timestamp || !/^\d{1,12}$/.test(timestamp)) return undefined;
  return { signedAt, nonce };
}

/**
 * The GET URL check is the same in every mode: WeChat's push guide has it echo `echostr` as
 * received after checking `signature` (developers.weixin.qq.com/doc/oplatform/developers/dev/push),
 * and an Official Account's echostr is never encrypted (WeCom's is; that is another product).
 */
export function wechatHandshake(query: Record<string, string>, credentials: Credentials): string | undefined {
  const echo = query['echostr'];
  return echo !== undefined && signedByWechat(query, credentials['token']) ? echo : undefined;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/**
 * Messages (text, image, voice, video, shortvideo, location, link) become `message` events; a text
 * carrying `bizmsgmenuid` is a msgmenu tap and becomes a `postback` with that id; a custom-menu
 * CLICK event becomes a `postback` with its EventKey; other events (subscribe, SCAN, VIEW, ...)
 * are `other` with type `event:<name>`. WeChat sends no delivery or read receipts for
 * customer-service messages, so no `status` events come from here.
 */
export function parseWechatPush(body: unknown): InboundEvent[] {
  if (!isObj(body)) return [];
  const from = str(body['FromUserName']);
  const msgType = str(body['MsgType']) ?? 'unknown';
  const created = Number(str(body['CreateTime']));
  const occurredAt = Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date();
  // Safe mode to an account without its encodingAesKey: nothing readable but that it came.
  if (body['Encrypt'] !== undefined && from === undefined) {
    return [{ kind: 'other', type: 'encrypted', occurredAt }];
  }
  const msgId = str(body['MsgId']);
  if (from === undefined) return [{ kind: 'other', type: msgType, occurredAt }];
  if (msgType === 'event') {
    const event = str(body['Event']) ?? 'unknown';
    // Events have no MsgId; WeChat's advice is to deduplicate them by sender and CreateTime.
    const providerEventId = `${from}:${str(body['CreateTime']) ?? ''}:${event}`;
    const key = str(body['EventKey']);
    if (event.toUpperCase() === 'CLICK' && key !== undefined && key !== '') {
      return [{ kind: 'postback', providerEventId, from, payload: key, occurredAt }];
    }
    return [{ kind: 'other', providerEventId, type: `event:${event}`, from, occurredAt }];
  }
  const common = { ...(msgId !== undefined ? { providerEventId: msgId } : {}), from, occurredAt };
  const menuId = str(body['bizmsgmenuid']);
  if (msgType === 'text' && menuId !== undefined && menuId !== '') {
    return [{ kind: 'postback', ...common, payload: menuId }];
  }
  const text = msgType === 'text' ? str(body['Content']) : msgType === 'link' ? str(body['Url']) : undefined;
  return [{ kind: 'message', ...common, contentType: msgType, ...(text !== undefined ? { text } : {}) }];
}
