/** Provider webhooks as each provider sends them: the valid examples the fuzzer mutates. */
import { LINE_USER } from '../../test/support/recipients.ts';
import type { Json } from './bodies.ts';

/** WeChat's pushes are flat XML under `<xml>`; nested values become nested tags. */
export function toXml(value: Json): string {
  const tags = (v: Json): string =>
    v !== null && typeof v === 'object'
      ? Object.entries(v)
          .map(([k, child]) => {
            const tag = /^[A-Za-z_][\w-]*$/.test(k) ? k : 'x';
            return `<${tag}>${tags(child)}</${tag}>`;
          })
          .join('')
      : `<![CDATA[${String(v)}]]>`;
  return `<xml>${tags(value)}</xml>`;
}

const now = () => Math.floor(Date.now() / 1000);
export const WEBHOOK_SEEDS: Record<string, Json> = {
  line: {
    destination: 'U0',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: 1_700_000_000_000,
        webhookEventId: '01FZ',
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: LINE_USER },
        replyToken: 'r',
        message: { type: 'text', id: '1', text: 'hi' },
      },
    ],
  },
  telegram: {
    update_id: 1,
    message: {
      message_id: 1,
      date: 1_700_000_000,
      chat: { id: 1, type: 'private' },
      from: { id: 1, is_bot: false, first_name: 'a' },
      text: 'hi',
    },
  },
  messenger: {
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, message: { mid: 'm', text: 'hi' } },
        ],
      },
    ],
  },
  instagram: {
    object: 'instagram',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, message: { mid: 'm', text: 'hi' } },
        ],
      },
    ],
  },
  whatsapp: {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { phone_number_id: '106540352242922' },
              messages: [
                { from: '66812345678', id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'hi' } },
              ],
            },
          },
        ],
      },
    ],
  },
  viber: {
    event: 'message',
    timestamp: 1_700_000_000_000,
    message_token: 1,
    sender: { id: 'a' },
    message: { type: 'text', text: 'hi' },
  },
  wechat: {
    ToUserName: 'gh_x',
    FromUserName: 'o_fuzz',
    CreateTime: String(now()),
    MsgType: 'text',
    Content: 'hi',
    MsgId: '1',
  },
};
