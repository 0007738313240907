/**
 * WeChat's message encryption against the vectors of WeChat's own WXBizMsgCrypt samples (the
 * Java sample's fixed-random encryption, the Python sample's compatible-mode push, the C#
 * sample's safe-mode push), for both the connector's code and the tests' separate one
 * (test/support/wechat-seal.ts); and every seal the connector must refuse.
 */
import { describe, expect, it } from 'vitest';
import {
  decryptWechatMessage,
  encryptWechatMessage,
  msgSignedByWechat,
  wechatAesKey,
  wechatMsgSignature,
} from '../../../src/channels/wechat/provider/message-crypto.ts';
import { msgSignature, seal, unseal } from '../../support/wechat-seal.ts';
import { CSHARP, JAVA, PYTHON, SAMPLE_KEY } from '../../support/wechat-vectors.ts';

const key = (k = SAMPLE_KEY) => {
  const aes = wechatAesKey(k);
  if (aes === undefined) throw new Error(`not an EncodingAESKey: ${k}`);
  return aes;
};

describe('WeChat message encryption: the published vectors', () => {
  it("reproduces the Java sample's ciphertext, in the connector and in the tests' own code", () => {
    expect(encryptWechatMessage(JAVA.message, JAVA.appId, key(), JAVA.random)).toBe(JAVA.encrypt);
    expect(seal(JAVA.message, JAVA.appId, SAMPLE_KEY, { random: JAVA.random })).toBe(JAVA.encrypt);
  });

  it("opens the Python sample's push and matches its msg_signature", () => {
    const { token, timestamp, nonce, encrypt } = PYTHON;
    expect(wechatMsgSignature(token, timestamp, nonce, encrypt)).toBe(PYTHON.msgSignature);
    expect(msgSignature(token, timestamp, nonce, encrypt)).toBe(PYTHON.msgSignature);
    expect(msgSignedByWechat(PYTHON.msgSignature.toUpperCase(), token, timestamp, nonce, encrypt)).toBe(true);
    expect(msgSignedByWechat(PYTHON.msgSignature, token, timestamp, '1', encrypt)).toBe(false);
    expect(decryptWechatMessage(encrypt, key())).toEqual({ message: PYTHON.message, appId: PYTHON.appId });
    expect(unseal(encrypt, SAMPLE_KEY)).toEqual({ message: PYTHON.message, appId: PYTHON.appId });
  });

  it("opens the C# sample's push and matches its msg_signature", () => {
    const { token, timestamp, nonce, encrypt } = CSHARP;
    expect(wechatMsgSignature(token, timestamp, nonce, encrypt)).toBe(CSHARP.msgSignature);
    const opened = decryptWechatMessage(encrypt, key(CSHARP.encodingAesKey));
    expect(opened?.appId).toBe(CSHARP.appId);
    expect(opened?.message).toContain('<Content><![CDATA[hello]]></Content>');
  });

  it('round-trips multi-byte text (msg_len counts bytes, not characters)', () => {
    const message = '<xml><Content><![CDATA[测试一下中文的情况，消息长度是按字节来算的]]></Content></xml>';
    expect(decryptWechatMessage(encryptWechatMessage(message, JAVA.appId, key()), key())).toEqual({
      message,
      appId: JAVA.appId,
    });
    expect(unseal(encryptWechatMessage(message, JAVA.appId, key()), SAMPLE_KEY).message).toBe(message);
  });
});

describe('WeChat message encryption: what does not open', () => {
  const message = '<xml><Content>x</Content></xml>';

  it.each([
    ['not base64', '***'],
    ['empty', ''],
    ['one AES block, not a 32-byte WeChat block', Buffer.alloc(16).toString('base64')],
    ['a ciphertext cut short', JAVA.encrypt.slice(0, 44)],
  ])('refuses %s', (_what, encrypt) => {
    expect(decryptWechatMessage(encrypt, key())).toBeUndefined();
  });

  it('refuses padding that is not n bytes of n, or more than a 32-byte block', () => {
    // body = 20 + 31 + 18 = 69 bytes: 27 bytes of padding reach 96.
    expect(decryptWechatMessage(seal(message, JAVA.appId, SAMPLE_KEY), key())).toBeDefined();
    const uneven = Buffer.alloc(27, 27);
    uneven[0] = 26;
    expect(
      decryptWechatMessage(seal(message, JAVA.appId, SAMPLE_KEY, { padding: uneven }), key()),
    ).toBeUndefined();
    expect(
      decryptWechatMessage(seal(message, JAVA.appId, SAMPLE_KEY, { padding: Buffer.alloc(27, 0) }), key()),
    ).toBeUndefined();
    // 59 bytes of 59: whole blocks, but more padding than WeChat's 32-byte block allows.
    expect(
      decryptWechatMessage(seal(message, JAVA.appId, SAMPLE_KEY, { padding: Buffer.alloc(59, 59) }), key()),
    ).toBeUndefined();
  });

  it('refuses a msg_len that runs past the end', () => {
    const long = seal(message, JAVA.appId, SAMPLE_KEY, { length: 0xffff });
    expect(decryptWechatMessage(long, key())).toBeUndefined();
    // With no appid after the message, a length one byte too long runs past the end.
    const over = decryptWechatMessage(seal(message, '', SAMPLE_KEY, { length: 32 }), key());
    expect(over).toBeUndefined();
  });

  it('takes only 43-character EncodingAESKeys of letters and digits', () => {
    expect(wechatAesKey(SAMPLE_KEY)?.length).toBe(32);
    expect(wechatAesKey(SAMPLE_KEY.slice(1))).toBeUndefined();
    expect(wechatAesKey(`${SAMPLE_KEY.slice(1)}+`)).toBeUndefined();
    expect(wechatAesKey(undefined)).toBeUndefined();
  });
});
