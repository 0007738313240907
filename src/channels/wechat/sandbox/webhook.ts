/**
 * Simulated user activity: pushes shaped as WeChat sends them (XML with CDATA, the account's
 * original id as ToUserName), posted to the gateway's webhook URL with `signature`, `timestamp`,
 * `nonce` and `openid` in the query, signed with the account token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { postWebhook, type WebhookAnswer } from '../../../sandbox/post-webhook.ts';
import { WECHAT_OPENID } from '../limits.ts';
import { wechatSignature } from '../signature.ts';

export type SimulateInput =
  | { openid: string; text: string; menuId?: string }
  | { openid: string; event: 'subscribe' | 'CLICK' | 'SCAN'; eventKey?: string };

const EVENTS = new Set(['subscribe', 'CLICK', 'SCAN']);

export function parseSimulateInput(body: unknown): SimulateInput | string {
  if (typeof body !== 'object' || body === null)
    return 'The body must be {openid, text, menuId?} or {openid, event, eventKey?}';
  const b = body as Record<string, unknown>;
  const openid = b['openid'];
  if (typeof openid !== 'string' || !WECHAT_OPENID.test(openid)) {
    return "'openid' must be an openid (28 URL-safe characters)";
  }
  if (typeof b['text'] === 'string' && b['text'] !== '') {
    const menuId = b['menuId'];
    if (menuId !== undefined && (typeof menuId !== 'string' || menuId === ''))
      return "'menuId' must be a non-empty string";
    return { openid, text: b['text'], ...(typeof menuId === 'string' ? { menuId } : {}) };
  }
  const event = b['event'];
  if (typeof event === 'string' && EVENTS.has(event)) {
    const key = b['eventKey'];
    if (event === 'CLICK' && (typeof key !== 'string' || key === ''))
      return 'A CLICK event needs an eventKey';
    return {
      openid,
      event: event as 'subscribe' | 'CLICK' | 'SCAN',
      ...(typeof key === 'string' && key !== '' ? { eventKey: key } : {}),
    };
  }
  return "Give a non-empty 'text' (with 'menuId' for a msgmenu tap) or an 'event' (subscribe, CLICK, SCAN)";
}

/** The account's original id (`gh_` + 12 hex), stable per AppID. */
export function originalId(appId: string): string {
  return `gh_${createHash('sha256').update(appId).digest('hex').slice(0, 12)}`;
}

const cdata = (s: string): string => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

let lastMsgId = BigInt(Date.now()) * 10_000n;

export function buildPush(input: SimulateInput, appId: string, now: number = Date.now()): string {
  const created = Math.floor(now / 1000);
  const head = `<ToUserName>${cdata(originalId(appId))}</ToUserName><FromUserName>${cdata(input.openid)}</FromUserName><CreateTime>${created}</CreateTime>`;
  if ('text' in input) {
    lastMsgId += 1n;
    const menu = input.menuId !== undefined ? `<bizmsgmenuid>${cdata(input.menuId)}</bizmsgmenuid>` : '';
    return `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(input.text)}</Content><MsgId>${lastMsgId}</MsgId>${menu}</xml>`;
  }
  const key = input.eventKey !== undefined ? `<EventKey>${cdata(input.eventKey)}</EventKey>` : '';
  return `<xml>${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata(input.event)}</Event>${key}</xml>`;
}

/** The URL WeChat posts to: the configured one plus the signed query. */
export function signedUrl(
  webhookUrl: string,
  token: string,
  openid: string,
  now: number = Date.now(),
): string {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const url = new URL(webhookUrl);
  url.searchParams.set('signature', wechatSignature(token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('openid', openid);
  return url.toString();
}

export function postPush(
  webhookUrl: string,
  xml: string,
  token: string,
  openid: string,
): Promise<WebhookAnswer> {
  return postWebhook(signedUrl(webhookUrl, token, openid), xml, {
    'content-type': 'text/xml',
    'user-agent': 'Mozilla/4.0',
  });
}
