/**
 * Pushes in compatible and safe mode. WeChat adds `encrypt_type=aes` and `msg_signature` to the
 * query and an `<Encrypt>` element to the XML (beside the plaintext fields in compatible mode,
 * alone with `ToUserName` in safe mode); the message inside is the same XML a plaintext push
 * carries. An account with an `encodingAesKey` has such pushes checked and opened here; without
 * one they go the plaintext way (the query's `signature` still signs them, and a compatible-mode
 * body still has its plaintext fields).
 */
import type { Credentials, InboundRequest } from '../../core/vocabulary/channel.ts';
import { decryptWechatMessage, msgSignedByWechat, wechatAesKey } from './provider/message-crypto.ts';
import { decodeWechatXml } from './xml.ts';

/**
 * "If an URL does not contain encrypt_type or encrypt_type=raw, the message is not encrypted"
 * (WeChat's encryption FAQ, admin.wechat.com/wiki/index.php?title=Message_Cryptography_FAQs).
 */
export function isEncryptedPush(request: InboundRequest, credentials: Credentials): boolean {
  return (
    request.query?.['encrypt_type'] === 'aes' && wechatAesKey(credentials['encodingAesKey']) !== undefined
  );
}

/** The `<Encrypt>` text of a push, or undefined when the body has no single one. */
function encryptedPart(rawBody: Buffer): string | undefined {
  try {
    const root = decodeWechatXml(rawBody) as Record<string, unknown>;
    const encrypt = root['Encrypt'];
    return typeof encrypt === 'string' && encrypt !== '' ? encrypt : undefined;
  } catch {
    return undefined;
  }
}

/** msg_signature over the token, the query's timestamp and nonce, and the `<Encrypt>` text. */
export function verifyEncryptedPush(request: InboundRequest, credentials: Credentials): boolean {
  const encrypt = encryptedPart(request.rawBody);
  const { msg_signature, timestamp, nonce } = request.query ?? {};
  return (
    encrypt !== undefined && msgSignedByWechat(msg_signature, credentials['token'], timestamp, nonce, encrypt)
  );
}

/**
 * The message sealed in a verified push, or undefined when it does not decrypt (padding, length)
 * or was sealed for another appid than the account's.
 */
export function openEncryptedPush(request: InboundRequest, credentials: Credentials): Buffer | undefined {
  const key = wechatAesKey(credentials['encodingAesKey']);
  const encrypt = encryptedPart(request.rawBody);
  if (key === undefined || encrypt === undefined) return undefined;
  const opened = decryptWechatMessage(encrypt, key);
  if (opened === undefined || opened.appId !== credentials['appId']) return undefined;
  return Buffer.from(opened.message, 'utf8');
}
