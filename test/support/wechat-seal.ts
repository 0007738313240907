/**
 * WeChat's message encryption written again for the tests, apart from src/ (its own code, checked
 * against WeChat's published sample vectors in test/channels/wechat/message-crypto.test.ts), so a
 * test can seal pushes the way WeChat does, and seal them wrongly on purpose: another appid, a
 * length field that runs past the end, padding that is not PKCS#7.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SealFaults {
  /** The 16 leading random bytes (WeChat's Java sample fixes them to reproduce its vector). */
  random?: Buffer;
  /** The msg_len field, instead of the message's byte length. */
  length?: number;
  /** The padding bytes, instead of n copies of n to the next multiple of 32. */
  padding?: Buffer;
}

const aesKeyOf = (encodingAesKey: string) => Buffer.from(`${encodingAesKey}=`, 'base64');

/** Base64(AES-256-CBC(random 16 B ‖ msg_len 4 B big-endian ‖ msg ‖ appid ‖ PKCS#7 to 32 B)). */
export function seal(
  message: string,
  appId: string,
  encodingAesKey: string,
  faults: SealFaults = {},
): string {
  const msg = Buffer.from(message);
  const head = Buffer.alloc(20);
  (faults.random ?? randomBytes(16)).copy(head, 0, 0, 16);
  head.writeUInt32BE(faults.length ?? msg.length, 16);
  const body = Buffer.concat([head, msg, Buffer.from(appId)]);
  const n = 32 - (body.length % 32);
  const padded = Buffer.concat([body, faults.padding ?? Buffer.alloc(n, n)]);
  if (padded.length % 16 !== 0) throw new Error('padding must end on a 16-byte AES block');
  const key = aesKeyOf(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** The fields of a sealed value, unchecked (tests read what the emulator sealed). */
export function unseal(encrypt: string, encodingAesKey: string): { message: string; appId: string } {
  const key = aesKeyOf(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const unpadded = plain.subarray(0, plain.length - (plain.at(-1) ?? 0));
  const length = unpadded.readUInt32BE(16);
  return {
    message: unpadded.subarray(20, 20 + length).toString(),
    appId: unpadded.subarray(20 + length).toString(),
  };
}

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const sorted = [token, timestamp, nonce, encrypt].sort();
  return createHash('sha1').update(sorted.join('')).digest('hex');
}

/** The plain `signature` WeChat also puts in the query: sha1 of the sorted token, timestamp, nonce. */
export function querySignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** The text of the one `<Encrypt>` element of a push body. */
export function encryptOf(xml: string): string {
  const found = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(xml);
  if (!found?.[1]) throw new Error(`no <Encrypt> in ${xml}`);
  return found[1];
}

export interface SafePushAccount {
  appId: string;
  token: string;
  encodingAesKey: string;
}

/**
 * A safe-mode push of `message` as WeChat posts it: the body has ToUserName and Encrypt only; the
 * query has signature, timestamp, nonce, openid, encrypt_type=aes and msg_signature.
 */
export function safePush(
  account: SafePushAccount,
  message: string,
  options: {
    openid?: string;
    nonce?: string;
    timestampS?: number;
    appId?: string;
    faults?: SealFaults;
  } = {},
): { body: string; query: Record<string, string>; encrypt: string } {
  const timestamp = String(options.timestampS ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const encrypt = seal(message, options.appId ?? account.appId, account.encodingAesKey, options.faults);
  return {
    body: `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    query: {
      signature: querySignature(account.token, timestamp, nonce),
      timestamp,
      nonce,
      openid: options.openid ?? 'o_safe_mode',
      encrypt_type: 'aes',
      msg_signature: msgSignature(account.token, timestamp, nonce, encrypt),
    },
    encrypt,
  };
}

/** A plaintext text message from `openid`, as WeChat's push XML carries it. */
export function textMessage(openid: string, text: string, msgId: string): string {
  const created = Math.floor(Date.now() / 1000);
  return `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${created}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}
