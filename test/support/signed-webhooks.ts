/**
 * Signs a raw webhook body for a channel's sandbox account as its provider would, so tests and the
 * fuzzer can get past signature verification to the decoder and parser behind it.
 */
import { randomUUID } from 'node:crypto';
import { signHubBody } from '../../src/channels/families/meta-graph/webhook.ts';
import { INSTAGRAM_SANDBOX_CREDENTIALS } from '../../src/channels/instagram/options.ts';
import { LINE_SANDBOX_CREDENTIALS } from '../../src/channels/line/options.ts';
import { signLineBody } from '../../src/channels/line/provider/api.ts';
import { MESSENGER_SANDBOX_CREDENTIALS } from '../../src/channels/messenger/options.ts';
import { TELEGRAM_SANDBOX_CREDENTIALS } from '../../src/channels/telegram/options.ts';
import { VIBER_SANDBOX_CREDENTIALS } from '../../src/channels/viber/options.ts';
import { signViberBody } from '../../src/channels/viber/provider.ts';
import { WECHAT_SANDBOX_CREDENTIALS } from '../../src/channels/wechat/options.ts';
import { wechatSignature } from '../../src/channels/wechat/provider/signature.ts';
import { WHATSAPP_SANDBOX_CREDENTIALS } from '../../src/channels/whatsapp/options.ts';

export interface SignedParts {
  headers: Record<string, string>;
  query: Record<string, string>;
}

type Signer = (raw: Buffer) => SignedParts;

const header = (name: string, value: string): SignedParts => ({ headers: { [name]: value }, query: {} });

export const WEBHOOK_SIGNERS: Record<string, Signer> = {
  line: (raw) => header('x-line-signature', signLineBody(raw, LINE_SANDBOX_CREDENTIALS.channelSecret)),
  messenger: (raw) =>
    header('x-hub-signature-256', signHubBody(raw, MESSENGER_SANDBOX_CREDENTIALS.appSecret)),
  instagram: (raw) =>
    header('x-hub-signature-256', signHubBody(raw, INSTAGRAM_SANDBOX_CREDENTIALS.appSecret)),
  whatsapp: (raw) => header('x-hub-signature-256', signHubBody(raw, WHATSAPP_SANDBOX_CREDENTIALS.appSecret)),
  telegram: () => header('x-telegram-bot-api-secret-token', TELEGRAM_SANDBOX_CREDENTIALS.secretToken),
  viber: (raw) =>
    header('x-viber-content-signature', signViberBody(raw, VIBER_SANDBOX_CREDENTIALS.authToken)),
  // WeChat signs the query, not the body; a fresh nonce and the current time for each request.
  wechat: () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomUUID().replace(/-/g, '').slice(0, 16);
    const signature = wechatSignature(WECHAT_SANDBOX_CREDENTIALS.token, timestamp, nonce);
    return { headers: {}, query: { signature, timestamp, nonce, openid: 'o_fuzz' } };
  },
};

/** The content type each provider posts its webhooks with. */
export const WEBHOOK_CONTENT_TYPES: Record<string, string> = {
  wechat: 'text/xml',
};
