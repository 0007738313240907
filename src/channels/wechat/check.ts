/**
 * WeChat's limits applied to a canonical message before it is stored. Lengths are measured on the
 * rendered body (what Omnigate folds into a text counts exactly as sent), and the emulator applies
 * the same numbers (limits.ts). Pointers start at `/message`.
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../core/vocabulary/message.ts';
import { isObj, type Obj } from '../../lib/json.ts';
import { graphemeLength, utf8Length } from '../../lib/text.ts';
import { WECHAT_LIMITS as L, WECHAT_MEDIA_ID, WECHAT_OPENID } from './limits.ts';
import { renderWechat } from './render.ts';

export function checkWechatRecipient(to: string): string | undefined {
  return WECHAT_OPENID.test(to)
    ? undefined
    : 'a WeChat openid of this Official Account (28 URL-safe characters, e.g. `o6_bmjrPTlm6_2sgVt7hMZOPfL2M`)';
}

export function checkWechatMessage(message: CanonicalMessage): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (pointer: string, rule: string, detail: string) => issues.push({ pointer, rule, detail });
  const bytes = (pointer: string, value: unknown, what: string) => {
    if (typeof value !== 'string') return;
    const n = utf8Length(value);
    if (n > L.textBytes) {
      add(pointer, 'maxBytes', `WeChat takes at most ${L.textBytes} UTF-8 bytes in ${what}; this has ${n}`);
    }
  };
  const p = '/message';
  const body = renderWechat(message, { to: 'o0000000000000000000000000000', retryKey: '' }).request
    .body as Obj;
  const payload = typeof body['msgtype'] === 'string' ? body[body['msgtype']] : undefined;
  const rendered: Obj = isObj(payload) ? payload : {};

  switch (message.type) {
    case 'text':
      bytes(`${p}/text`, rendered['content'], 'a text message');
      break;
    case 'media':
      if (message.mediaType === 'file') {
        add(
          `${p}/mediaType`,
          'channel_capability',
          'WeChat customer-service messages carry image, voice and video, not files; link the file in a text instead',
        );
      } else if (message.mediaId === undefined) {
        add(
          `${p}/mediaId`,
          'required',
          'WeChat sends media by media_id only: upload the file with /cgi-bin/media/upload and give its `mediaId` (a `url` cannot be sent)',
        );
      } else if (!WECHAT_MEDIA_ID.test(message.mediaId)) {
        add(`${p}/mediaId`, 'pattern', 'A WeChat media_id is 1-128 URL-safe characters');
      }
      break;
    case 'location':
    case 'receipt':
      bytes(
        message.type === 'location' ? p : `${p}/elements`,
        rendered['content'],
        'the text this is written into',
      );
      break;
    case 'buttons':
    case 'quick_replies':
    case 'list':
      if (body['msgtype'] === 'text') {
        bytes(`${p}/text`, rendered['content'], 'a message (title, footer and links included)');
        break;
      }
      checkMenu(message, rendered, add, bytes);
      break;
    case 'carousel':
      if (body['msgtype'] === 'news') {
        const article =
          Array.isArray(rendered['articles']) && isObj(rendered['articles'][0])
            ? rendered['articles'][0]
            : {};
        const title = article['title'];
        if (typeof title === 'string' && graphemeLength(title) > L.articleTitleChars) {
          add(
            `${p}/cards/0/title`,
            'maxLength',
            `A WeChat news title has at most ${L.articleTitleChars} characters`,
          );
        }
        const description = article['description'];
        if (typeof description === 'string' && graphemeLength(description) > L.articleDescriptionChars) {
          add(
            `${p}/cards/0/text`,
            'maxLength',
            `A WeChat news description has at most ${L.articleDescriptionChars} characters`,
          );
        }
      } else {
        bytes(`${p}/cards`, rendered['content'], 'the one text the cards are written into');
      }
      break;
    case 'sender_action':
      if (message.action === 'mark_seen') {
        add(
          `${p}/action`,
          'channel_capability',
          'WeChat has no read marker for Official Accounts; only typing_on (Typing) and typing_off (CancelTyping)',
        );
      }
      break;
    case 'raw': {
      const raw: Obj = message.payload;
      const msgtype = raw['msgtype'];
      if (typeof msgtype !== 'string' || !isObj(raw[msgtype])) {
        add(
          `${p}/payload/msgtype`,
          'required',
          'A WeChat raw payload is a message/custom/send body: `msgtype` and the object it names (e.g. {"msgtype":"mpnews","mpnews":{"media_id":"…"}}); touser is filled in',
        );
      }
      break;
    }
    case 'sticker':
    case 'imagemap':
    case 'template':
      break;
  }
  return issues;
}

type Add = (pointer: string, rule: string, detail: string) => void;
type Bytes = (pointer: string, value: unknown, what: string) => void;

/** The msgmenu a buttons / quick_replies / list message became. */
function checkMenu(
  message: Extract<CanonicalMessage, { type: 'buttons' | 'quick_replies' | 'list' }>,
  menu: Obj,
  add: Add,
  bytes: Bytes,
): void {
  const p = '/message';
  bytes(`${p}/text`, menu['head_content'], 'the head of a msgmenu (title and text included)');
  bytes(`${p}/footer`, menu['tail_content'], 'the tail of a msgmenu (links and footer included)');
  // Where each menu item came from, so an issue points at the canonical field.
  const origins: string[] =
    message.type === 'list'
      ? message.sections.flatMap((s, i) => s.rows.map((_, j) => `${p}/sections/${i}/rows/${j}`))
      : (message.type === 'buttons' ? message.actions : message.replies)
          .map((a, i) => ({ a, i }))
          .filter(({ a }) => a.type === 'reply' || a.type === 'message')
          .map(({ i }) => `${p}/${message.type === 'buttons' ? 'actions' : 'replies'}/${i}`);
  const items = Array.isArray(menu['list']) ? menu['list'].filter(isObj) : [];
  if (items.length > L.menuItems) {
    add(
      message.type === 'list'
        ? `${p}/sections`
        : `${p}/${message.type === 'buttons' ? 'actions' : 'replies'}`,
      'maxItems',
      `A WeChat msgmenu has at most ${L.menuItems} items; this has ${items.length}`,
    );
  }
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const origin = origins[i] ?? p;
    const id = String(item['id']);
    const idField = message.type === 'list' ? 'id' : 'payload';
    if (utf8Length(id) > L.menuIdBytes) {
      add(
        `${origin}/${idField}`,
        'maxBytes',
        `A WeChat msgmenu item id (what comes back as bizmsgmenuid) is at most ${L.menuIdBytes} UTF-8 bytes; this is ${utf8Length(id)}`,
      );
    }
    const first = seen.get(id);
    if (first !== undefined) {
      add(
        `${origin}/${idField}`,
        'unique',
        `Same id as menu item ${first + 1}: a tap could not tell them apart`,
      );
    } else seen.set(id, i);
    const content = String(item['content']);
    if (graphemeLength(content) > L.menuContentChars) {
      add(
        `${origin}/title`,
        'maxLength',
        `A WeChat msgmenu item label has at most ${L.menuContentChars} characters`,
      );
    }
  });
}
