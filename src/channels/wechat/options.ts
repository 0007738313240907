/**
 * What a WeChat Official Account channel account holds, what a send request may add under
 * `options.wechat`, and the fixed credentials of the built-in sandbox account.
 */
import { type Static, Type } from '@sinclair/typebox';

export const WechatCredentials = Type.Object(
  {
    appId: Type.String({
      pattern: '^wx[0-9a-f]{16}$',
      description: 'The account AppID (`wx` + 16 hex digits).',
    }),
    appSecret: Type.String({
      pattern: '^[0-9a-f]{32}$',
      description: 'The AppSecret; exchanged for access tokens at /cgi-bin/stable_token.',
    }),
    token: Type.String({
      pattern: '^[A-Za-z0-9]{3,32}$',
      description: 'The webhook Token set in the console; it keys the sorted-sha1 `signature` of every push.',
    }),
    encodingAesKey: Type.Optional(
      Type.String({
        // WeChat: "fixed length of 43 characters comprised of letters (a-z and A-Z) and numbers (0-9)".
        pattern: '^[A-Za-z0-9]{43}$',
        description:
          'The EncodingAESKey set in the console (43 letters and digits). Needed when the push URL is in compatible or safe mode: pushes carrying `encrypt_type=aes` are then checked by `msg_signature`, decrypted and must be sealed for `appId`.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WechatCredentials = Static<typeof WechatCredentials>;

export const WechatOptions = Type.Object(
  {
    kfAccount: Type.Optional(
      Type.String({
        pattern: '^[^@\\s]{1,64}@[^@\\s]{1,64}$',
        description: 'Send as this customer-service agent (`customservice.kf_account`, e.g. `test1@kftest`).',
      }),
    ),
    videoThumbMediaId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,128}$',
        description: 'media_id of an uploaded `thumb` shown on a video message (`video.thumb_media_id`).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WechatOptions = Static<typeof WechatOptions>;

/** Not secrets: the emulator accepts exactly these and nothing else. */
export const WECHAT_SANDBOX_CREDENTIALS = {
  appId: 'wx5a4d5b0c0ffee001',
  appSecret: '0123456789abcdef0123456789abcdef',
  token: 'omnigateSandboxToken',
  // The emulator pushes in plaintext until its encryption mode is changed (/_simulate/encryption).
  encodingAesKey: 'omnigateSandboxEncodingAesKey0123456789abcd',
} as const satisfies WechatCredentials;
