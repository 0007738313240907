/** WeChat's samples for the connector conformance suite (test/conformance/connector.ts). */
import { WECHAT_PATHS } from '../../../src/channels/wechat/provider/paths.ts';
import { wechatSignature } from '../../../src/channels/wechat/provider/signature.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import { textMessage } from '../../support/wechat-seal.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer } from './answers.ts';

const recipient = SANDBOX_RECIPIENTS['wechat']!;
const article = (title: string) => ({ title, url: `https://${title}.example` });

export const wechatSamples: ConnectorSamples = {
  recipient,
  answers: {
    // WeChat answers 200 with an errcode whatever happened, and names no message.
    success: { response: answer(200, { errcode: 0, errmsg: 'ok' }), outcome: { kind: 'sent' } },
    throttled: {
      response: answer(200, { errcode: 45011, errmsg: 'api minute-quota reach limit' }),
      outcome: { kind: 'rate_limited', code: 'wechat_45011', retryAfterMs: 60_000 },
    },
    transient: {
      response: answer(200, { errcode: -1, errmsg: 'system error' }),
      outcome: { kind: 'transient', code: 'wechat_-1' },
    },
    permanent: {
      response: answer(200, {
        errcode: 45015,
        errmsg: 'response out of time limit or subscription is canceled',
      }),
      outcome: { kind: 'permanent', code: 'wechat_45015' },
    },
  },
  inbound: {
    body: textMessage(recipient(1), 'hello', '23992134561234567890'),
    sign(_raw, credentials) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = '387456';
      const signature = wechatSignature(credentials['token'] ?? '', timestamp, nonce);
      return { headers: {}, query: { signature, timestamp, nonce, openid: recipient(1) } };
    },
    signsBody: {
      because: 'WeChat signs the timestamp and nonce of the query, not the body (plaintext mode)',
    },
  },
  refused: {
    name: 'a news message of two articles (WeChat takes one)',
    request: {
      method: 'POST',
      path: WECHAT_PATHS.send,
      body: { touser: recipient(2), msgtype: 'news', news: { articles: [article('a'), article('b')] } },
    },
  },
  receipts: false,
};
