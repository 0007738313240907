/**
 * The message/custom/send body as WeChat takes it, field by field. A refusal carries WeChat's
 * errcode and errmsg; the sandbox adds a `hint` saying which field, which WeChat does not.
 * Stricter than WeChat in one way: unknown fields are refused (47001) where WeChat ignores them,
 * so a typo fails in the sandbox rather than silently in production.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { graphemeLength, utf8Length } from '../../../lib/text.ts';
import { WECHAT_LIMITS as L, WECHAT_MEDIA_ID, WECHAT_OPENID } from '../limits.ts';
import type { Refusal } from './users.ts';

/** Field → required? Every field of every msgtype object is a string, except news.articles and msgmenu.list. */
type Fields = Readonly<Record<string, boolean>>;

const MSGTYPES: Readonly<Record<string, Fields>> = {
  text: { content: true },
  image: { media_id: true },
  voice: { media_id: true },
  video: { media_id: true, thumb_media_id: false, title: false, description: false },
  music: { title: false, description: false, musicurl: true, hqmusicurl: true, thumb_media_id: true },
  news: { articles: true },
  mpnews: { media_id: true },
  mpnewsarticle: { article_id: true },
  msgmenu: { head_content: false, list: true, tail_content: false },
  wxcard: { card_id: true },
  miniprogrampage: { title: true, appid: true, pagepath: true, thumb_media_id: true },
};
const ARTICLE: Fields = { title: true, description: false, url: true, picurl: false };
const MENU_ITEM: Fields = { id: true, content: true };
const MEDIA_FIELDS = new Set(['media_id', 'thumb_media_id']);

const FORMAT = (hint: string): Refusal => ({ errcode: 47001, errmsg: `data format error hint: [${hint}]` });

/** Unknown or missing fields and non-string values of one object. */
function shape(
  obj: Obj,
  fields: Fields,
  where: string,
  nonString: ReadonlySet<string> = new Set(),
): Refusal | undefined {
  for (const key of Object.keys(obj)) {
    if (!(key in fields)) return FORMAT(`${where}.${key} is not a field of ${where}`);
  }
  for (const [key, required] of Object.entries(fields)) {
    const value = obj[key];
    if (value === undefined) {
      if (required) return FORMAT(`${where}.${key} is required`);
      continue;
    }
    if (!nonString.has(key) && typeof value !== 'string') return FORMAT(`${where}.${key} must be a string`);
  }
  return undefined;
}

const tooLong = (where: string, n: number): Refusal => ({
  errcode: 45002,
  errmsg: `content size out of limit hint: [${where} has ${n} bytes, at most ${L.textBytes}]`,
});

/** The openid of a well-formed body, or why the body is refused. */
export function validateSend(body: unknown): { touser: string; msgtype: string } | Refusal {
  if (!isObj(body)) return FORMAT('the body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (key !== 'touser' && key !== 'msgtype' && key !== 'customservice' && key !== body['msgtype']) {
      return FORMAT(`${key} is not a field of a customer-service message`);
    }
  }
  const { touser, msgtype } = body;
  if (typeof touser !== 'string' || !WECHAT_OPENID.test(touser)) {
    return { errcode: 40003, errmsg: 'invalid openid hint: [touser]' };
  }
  if (typeof msgtype !== 'string' || MSGTYPES[msgtype] === undefined) {
    return { errcode: 40008, errmsg: `invalid message type hint: [${String(msgtype)}]` };
  }
  const cs = body['customservice'];
  if (cs !== undefined) {
    if (!isObj(cs)) return FORMAT('customservice must be an object');
    const problem = shape(cs, { kf_account: true }, 'customservice');
    if (problem !== undefined) return problem;
  }
  const content = body[msgtype];
  if (!isObj(content)) return FORMAT(`${msgtype} must be an object`);
  const problem = validateContent(msgtype, content);
  return problem ?? { touser, msgtype };
}

function validateContent(msgtype: string, content: Obj): Refusal | undefined {
  const fields = MSGTYPES[msgtype] ?? {};
  const problem = shape(content, fields, msgtype, new Set(['articles', 'list']));
  if (problem !== undefined) return problem;
  for (const key of MEDIA_FIELDS) {
    const id = content[key];
    if (typeof id === 'string' && !WECHAT_MEDIA_ID.test(id)) {
      return { errcode: 40007, errmsg: `invalid media_id hint: [${msgtype}.${key}]` };
    }
  }
  switch (msgtype) {
    case 'text': {
      const text = String(content['content']);
      if (text === '') return { errcode: 44004, errmsg: 'empty content hint: [text.content]' };
      const n = utf8Length(text);
      return n > L.textBytes ? tooLong('text.content', n) : undefined;
    }
    case 'news':
      return validateArticles(content['articles']);
    case 'msgmenu':
      return validateMenu(content);
    default:
      return undefined;
  }
}

function validateArticles(articles: unknown): Refusal | undefined {
  if (!Array.isArray(articles)) return FORMAT('news.articles must be an array');
  if (articles.length === 0) return { errcode: 44003, errmsg: 'empty news data' };
  if (articles.length > L.newsArticles) {
    return {
      errcode: 45008,
      errmsg: `article size out of limit hint: [news.articles has ${articles.length}, at most ${L.newsArticles}]`,
    };
  }
  for (const [i, a] of articles.entries()) {
    if (!isObj(a)) return FORMAT(`news.articles[${i}] must be an object`);
    const problem = shape(a, ARTICLE, `news.articles[${i}]`);
    if (problem !== undefined) return problem;
    for (const key of ['url', 'picurl']) {
      const url = a[key];
      if (typeof url === 'string' && !/^https?:\/\/[^\s]+$/.test(url)) {
        return { errcode: 40039, errmsg: `invalid url size hint: [news.articles[${i}].${key}]` };
      }
    }
    const title = String(a['title']);
    if (title === '') return { errcode: 44003, errmsg: 'empty news data hint: [title]' };
    if (graphemeLength(title) > L.articleTitleChars) {
      return { errcode: 45003, errmsg: `title size out of limit hint: [at most ${L.articleTitleChars}]` };
    }
    if (
      typeof a['description'] === 'string' &&
      graphemeLength(a['description']) > L.articleDescriptionChars
    ) {
      return {
        errcode: 45004,
        errmsg: `description size out of limit hint: [at most ${L.articleDescriptionChars}]`,
      };
    }
  }
  return undefined;
}

function validateMenu(menu: Obj): Refusal | undefined {
  const list = menu['list'];
  if (!Array.isArray(list) || list.length === 0) return FORMAT('msgmenu.list must be a non-empty array');
  if (list.length > L.menuItems)
    return FORMAT(`msgmenu.list has ${list.length} items, at most ${L.menuItems}`);
  const ids = new Set<string>();
  for (const [i, item] of list.entries()) {
    if (!isObj(item)) return FORMAT(`msgmenu.list[${i}] must be an object`);
    const problem = shape(item, MENU_ITEM, `msgmenu.list[${i}]`);
    if (problem !== undefined) return problem;
    const id = String(item['id']);
    const label = String(item['content']);
    if (id === '' || utf8Length(id) > L.menuIdBytes) {
      return FORMAT(`msgmenu.list[${i}].id must be 1-${L.menuIdBytes} bytes`);
    }
    if (ids.has(id)) return FORMAT(`msgmenu.list[${i}].id repeats an earlier id`);
    ids.add(id);
    if (label === '' || graphemeLength(label) > L.menuContentChars) {
      return FORMAT(`msgmenu.list[${i}].content must be 1-${L.menuContentChars} characters`);
    }
  }
  for (const key of ['head_content', 'tail_content']) {
    const n = utf8Length(String(menu[key] ?? ''));
    if (n > L.textBytes) return tooLong(`msgmenu.${key}`, n);
  }
  return undefined;
}

/** message/custom/typing: `{touser, command: Typing | CancelTyping}`. */
export function validateTyping(body: unknown): { touser: string } | Refusal {
  if (!isObj(body)) return FORMAT('the body must be a JSON object');
  const problem = shape(body, { touser: true, command: true }, 'typing');
  if (problem !== undefined) return problem;
  if (!WECHAT_OPENID.test(String(body['touser'])))
    return { errcode: 40003, errmsg: 'invalid openid hint: [touser]' };
  if (body['command'] !== 'Typing' && body['command'] !== 'CancelTyping') {
    return FORMAT('command must be Typing or CancelTyping');
  }
  return { touser: String(body['touser']) };
}
