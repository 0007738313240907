/**
 * WeChat Official Account customer-service messages (客服消息). See README.md in this folder for
 * WeChat's quirks (the 48-hour window, per-interaction quotas, access tokens, XML webhooks) and
 * the choices made for what WeChat cannot show.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { wechatAccessToken } from './access-token.ts';
import { WECHAT_CAPABILITIES } from './capabilities.ts';
import { checkWechatMessage, checkWechatRecipient } from './check.ts';
import { classifyWechatResponse } from './classify.ts';
import {
  openWechatPush,
  parseWechatPush,
  verifyWechatPush,
  wechatFreshness,
  wechatHandshake,
} from './inbound.ts';
import { WECHAT_LIMIT_NOTES, WECHAT_LIMITS } from './limits.ts';
import { WECHAT_SANDBOX_CREDENTIALS, WechatCredentials, WechatOptions } from './options.ts';
import { renderWechat } from './render.ts';
import { decodeWechatXml } from './xml.ts';

export const wechatConnector: ChannelConnector = {
  name: 'wechat',
  displayName: 'WeChat',
  defaultBaseUrl: 'https://api.weixin.qq.com',
  // WeChat publishes daily call quotas (45009), not a per-second rate; this is a polite default.
  rateLimit: { perSecond: 100, burst: 100 },
  // No idempotency key: a resent request is a second message (and spends the person's quota).
  maybeSentPolicy: 'resend_once',
  // Customer-service messages only within 48 h of the person's last interaction (45015).
  sessionWindow: {
    hours: WECHAT_LIMITS.messageWindowMs / 3_600_000,
    allowedOutside: () => false,
    outside: 'nothing (customer-service messages only)',
  },
  capabilities: WECHAT_CAPABILITIES,
  limits: [limitTable('WECHAT_LIMITS', 'src/channels/wechat/limits.ts', WECHAT_LIMITS, WECHAT_LIMIT_NOTES)],
  credentialsSchema: WechatCredentials,
  sandboxCredentials: WECHAT_SANDBOX_CREDENTIALS,
  optionsSchema: WechatOptions,
  accessToken: wechatAccessToken,
  checkRecipient: checkWechatRecipient,
  check: checkWechatMessage,
  render: renderWechat,
  authorize(request, credentials) {
    // The token travels in the query; the stored request keeps the placeholder.
    return {
      path: request.path.replace('{accessToken}', encodeURIComponent(credentials['accessToken'] ?? '')),
      headers: { ...request.headers },
    };
  },
  classify: classifyWechatResponse,
  verifyInbound: verifyWechatPush,
  openInbound: openWechatPush,
  parseInbound: parseWechatPush,
  decodeInbound: decodeWechatXml,
  // `success` in every mode: WeChat asks the no-reply answer to be plain `success` (or empty)
  // whether or not the push was encrypted; only a passive reply message is sealed, and Omnigate
  // sends none (replies go through the customer-service API). README.md, Inbound.
  inboundAck: { contentType: 'text/plain; charset=utf-8', body: 'success' },
  handshake: wechatHandshake,
  signedFreshness: wechatFreshness,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { wechatEmulator } from './emulator/index.ts';
