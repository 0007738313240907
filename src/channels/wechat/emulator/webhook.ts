/**
 * Simulated user activity: pushes shaped as WeChat sends them (XML with CDATA, the account's
 * original id as ToUserName), posted to the gateway's webhook URL with `signature`, `timestamp`,
 * `nonce` and `openid` in the query, signed with the account token, and in compatible or safe
 * mode sealed with the account's EncodingAESKey (../message-crypto.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { postWebhook, type WebhookAnswer } from '../../../sandbox/post-webhook.ts';
import { WECHAT_OPENID } from '../limits.ts';
import { encryptWechatMessage, wechatMsgSignature } from '../provider/message-crypto.ts';
import { wechatSignature } from '../provider/signature.ts';

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

/**
 * How the account's push URL takes messages (消息加解密方式, set in WeChat's console): plaintext;
 * compatible, the plaintext fields and `<Encrypt>` side by side; safe, `<Encrypt>` alone.
 */
export const ENCRYPTION_MODES = ['plaintext', 'compatible', 'safe'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

export interface PushAccount {
  appId: string;
  token: string;
  /** The AES key of the account's EncodingAESKey; needed by every mode but plaintext. */
  aesKey?: Buffer | undefined;
  mode: EncryptionMode;
}

/** A push as WeChat sends it: the query it adds to the configured URL, and the body. */
export interface WirePush {
  query: Record<string, string>;
  body: string;
}

/**
 * The query carries `signature`, `timestamp`, `nonce` and `openid`; in compatible and safe mode
 * also `encrypt_type=aes` and `msg_signature`, the signature that covers the ciphertext too.
 */
export function wirePush(
  xml: string,
  account: PushAccount,
  openid: string,
  now: number = Date.now(),
): WirePush {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const query = { signature: wechatSignature(account.token, timestamp, nonce), timestamp, nonce, openid };
  if (account.mode === 'plaintext') return { query, body: xml };
  if (account.aesKey === undefined) throw new Error(`${account.mode} mode needs an EncodingAESKey`);
  const encrypt = encryptWechatMessage(xml, account.appId, account.aesKey);
  const sealed = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
  return {
    query: {
      ...query,
      encrypt_type: 'aes',
      msg_signature: wechatMsgSignature(account.token, timestamp, nonce, encrypt),
    },
    body:
      account.mode === 'safe'
        ? `<xml><ToUserName>${cdata(originalId(account.appId))}</ToUserName>${sealed}</xml>`
        : xml.replace(/<\/xml>$/, `${sealed}</xml>`),
  };
}

export function postPush(webhookUrl: string, push: WirePush): Promise<WebhookAnswer> {
  const url = new URL(webhookUrl);
  for (const [name, value] of Object.entries(push.query)) url.searchParams.set(name, value);
  return postWebhook(url.toString(), push.body, {
    'content-type': 'text/xml',
    'user-agent': 'Mozilla/4.0',
  });
}
