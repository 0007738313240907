/**
 * WeChat webhooks: pushed as XML to the URL with `signature`, `timestamp`, `nonce` (and `openid`)
 * in the query; the GET URL check adds `echostr`, echoed when the signature matches. Every push
 * expects the plain-text answer `success` within 5 s.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isObj } from '../../lib/json.ts';
import type { Credentials, InboundEvent, InboundRequest } from '../types.ts';
import { signedByWechat } from './signature.ts';

export function verifyWechatPush(request: InboundRequest, credentials: Credentials): boolean {
  return signedByWechat(request.query, credentials['token']);
}

/** The signed timestamp (Unix seconds) and nonce of a push's query. */
export function wechatFreshness(request: InboundRequest): { signedAt: number; nonce: string } | undefined {
  const { timestamp, nonce } = request.query ?? {};
  const signedAt = Number(timestamp);
  if (!nonce || !timestamp || !/^\d{1,12}$/.test(timestamp)) return undefined;
  return { signedAt, nonce };
}

export function wechatHandshake(query: Record<string, string>, credentials: Credentials): string | undefined {
  const echo = query['echostr'];
  return echo !== undefined && signedByWechat(query, credentials['token']) ? echo : undefined;
}

// Values stay strings: an openid or MsgId must not turn into a number (MsgId exceeds 2^53).
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true });

/** The `<xml>` root as an object of strings; throws on anything that is not well-formed XML. */
export function decodeWechatXml(rawBody: Buffer): unknown {
  const text = rawBody.toString('utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  const doc: unknown = parser.parse(text);
  const root = isObj(doc) ? doc['xml'] : undefined;
  if (!isObj(root)) throw new Error('the XML has no <xml> root');
  return root;
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
