/**
 * WeChat message encryption (消息加解密), used by an Official Account's push URL in compatible
 * mode (兼容模式: plaintext fields and the ciphertext side by side) and safe mode (安全模式: the
 * ciphertext only). As WeChat's technical plan and its WXBizMsgCrypt samples define it
 * (https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html,
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/push/encryption.md):
 *
 * - AESKey = Base64_Decode(EncodingAESKey + "="): 43 characters of [A-Za-z0-9] give 32 bytes;
 *   AES-256-CBC with IV = the key's first 16 bytes.
 * - plaintext = random(16 B) + msg_len (4 B, network order) + msg + appid, PKCS#7-padded to a
 *   multiple of 32 bytes (the samples' PKCS7Encoder block, not AES's 16);
 *   `Encrypt` = Base64(ciphertext).
 * - msg_signature = hex(sha1(sort([token, timestamp, nonce, Encrypt]).join(''))).
 *
 * Node's crypto rather than an npm package: the ones there are (wechat-crypto 0.0.2, @wecom/crypto
 * 1.0.1) are single early releases nobody maintains, and the scheme is these few lines over
 * AES-CBC and SHA-1, which node:crypto has.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { secretsEqual } from '../../../lib/headers.ts';

/** WeChat pads to 32-byte blocks (its samples' PKCS7Encoder), so a ciphertext is a multiple of 32. */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const HEAD_BYTES = RANDOM_BYTES + LENGTH_BYTES;

/** EncodingAESKey: "fixed length of 43 characters comprised of letters (a-z and A-Z) and numbers (0-9)". */
export const WECHAT_ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The 32-byte AES key of an EncodingAESKey, or undefined when it is not one. */
export function wechatAesKey(encodingAesKey: string | undefined): Buffer | undefined {
  if (encodingAesKey === undefined || !WECHAT_ENCODING_AES_KEY.test(encodingAesKey)) return undefined;
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** The signature of an encrypted push or reply: sha1 over the sorted token, timestamp, nonce and Encrypt. */
export function wechatMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** True when `signature` is the msg_signature of these values, compared in constant time. */
export function msgSignedByWechat(
  signature: string | undefined,
  token: string | undefined,
  timestamp: string | undefined,
  nonce: string | undefined,
  encrypt: string,
): boolean {
  if (!signature || !token || !timestamp || !nonce) return false;
  return secretsEqual(wechatMsgSignature(token, timestamp, nonce, encrypt), signature.toLowerCase());
}

/** Encrypts `message` for `appId` the WeChat way; `random` is fixed only by tests of the vector. */
export function encryptWechatMessage(
  message: string,
  appId: string,
  key: Buffer,
  random: Buffer = randomBytes(RANDOM_BYTES),
): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random.subarray(0, RANDOM_BYTES), length, body, Buffer.from(appId, 'utf8')]);
  const pad = PAD_BLOCK - (plain.length % PAD_BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

/**
 * The message and appid sealed in an `Encrypt` value, or undefined when it is not one: not
 * base64, not whole 32-byte blocks, padding other than 1–32 bytes each holding its count, or a
 * length that runs past the end. Call it only on a value whose msg_signature matched: the token
 * then stands between an attacker and these refusals, so they are no padding oracle.
 */
export function decryptWechatMessage(
  encrypt: string,
  key: Buffer,
): { message: string; appId: string } | undefined {
  if (!BASE64.test(encrypt)) return undefined;
  const sealed = Buffer.from(encrypt, 'base64');
  if (sealed.length === 0 || sealed.length % PAD_BLOCK !== 0) return undefined;
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(sealed), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > PAD_BLOCK) return undefined;
  for (let i = padded.length - pad; i < padded.length; i++) if (padded[i] !== pad) return undefined;
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < HEAD_BYTES) return undefined;
  const length = plain.readUInt32BE(RANDOM_BYTES);
  if (length > plain.length - HEAD_BYTES) return undefined;
  return {
    message: plain.subarray(HEAD_BYTES, HEAD_BYTES + length).toString('utf8'),
    appId: plain.subarray(HEAD_BYTES + length).toString('utf8'),
  };
}
