/**
 * Answers one Bot API call as Telegram would: 401 for a wrong token, 404 for an unknown method,
 * 400 with Telegram's description for parameters api.json does not allow, the sandbox's chat
 * conventions (README.md), and otherwise `{ok:true, result}` with a realistic Message.
 */
import type { TelegramSandboxState } from './state.ts';
import { usernameChatId } from './state.ts';
import type { TelegramValidator } from './validator.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface TelegramAnswer {
  status: number;
  body: Obj;
}

export interface TelegramApiContext {
  botToken: string;
  validator: TelegramValidator;
  state: TelegramSandboxState;
}

export const telegramError = (status: number, description: string, parameters?: Obj): TelegramAnswer => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

export const BOT_NAME = 'Omnigate Sandbox Bot';
export const BOT_USERNAME = 'omnigate_sandbox_bot';

export function botUser(botToken: string): Obj {
  return {
    id: Number(botToken.split(':')[0]) || 1,
    is_bot: true,
    first_name: BOT_NAME,
    username: BOT_USERNAME,
  };
}

export interface ApiCall {
  token: string;
  method: string;
  /** Parameters: a JSON body, or form / query fields (strings, coerced by the method's field types). */
  params: unknown;
  form: boolean;
}

export function handleTelegramCall(call: ApiCall, ctx: TelegramApiContext): TelegramAnswer {
  if (call.token !== ctx.botToken) return telegramError(401, 'Unauthorized');
  const method = ctx.validator.method(call.method);
  if (method === undefined) return telegramError(404, 'Not Found');
  if (call.params !== undefined && !isObj(call.params)) {
    return telegramError(400, 'Bad Request: parameters must be a JSON object');
  }
  const raw = (call.params ?? {}) as Obj;
  const params = call.form
    ? ctx.validator.coerceForm(
        method,
        Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)])),
      )
    : raw;
  const problem = ctx.validator.validate(method, params);
  if (problem !== undefined) return telegramError(400, `Bad Request: ${problem}`);

  let chat: Obj | undefined;
  if (params['chat_id'] !== undefined) {
    const found = chatOf(params['chat_id']);
    if (typeof found === 'object') chat = found;
    else return found === 403 ? telegramError(403, 'Forbidden: bot was blocked by the user') : chatNotFound();
  }
  return { status: 200, body: { ok: true, result: result(method.name, method.returns, params, chat, ctx) } };
}

const chatNotFound = () => telegramError(400, 'Bad Request: chat not found');

/**
 * Sandbox conventions: ids starting with 999 do not exist, ids starting with 403 blocked the bot.
 * Positive ids are private chats, -100… supergroups, other negative ids groups, @names channels.
 */
function chatOf(chatId: unknown): Obj | 400 | 403 {
  const s = String(chatId);
  if (/^@[A-Za-z0-9_]{5,32}$/.test(s)) {
    return { id: usernameChatId(s), title: s.slice(1), username: s.slice(1), type: 'channel' };
  }
  if (!/^-?[0-9]{1,20}$/.test(s)) return 400;
  if (s.startsWith('999')) return 400;
  if (s.startsWith('403')) return 403;
  const id = Number(s);
  if (id > 0) return { id, first_name: 'Sandbox', last_name: 'User', type: 'private' };
  return s.startsWith('-100')
    ? { id, title: 'Sandbox Supergroup', type: 'supergroup' }
    : { id, title: 'Sandbox Group', type: 'group' };
}

function result(
  name: string,
  returns: string[],
  params: Obj,
  chat: Obj | undefined,
  ctx: TelegramApiContext,
): unknown {
  const r = returns.join(' | ');
  if (r === 'User')
    return {
      ...botUser(ctx.botToken),
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  if (chat === undefined) return true;
  if (r === 'Array of Message' && Array.isArray(params['media'])) {
    const groupId = String(Date.now()) + String(Math.floor(Math.random() * 1000));
    return params['media'].filter(isObj).map((item) => ({
      ...baseMessage(chat, ctx),
      media_group_id: groupId,
      ...mediaContent(String(item['type']), String(item['media'] ?? ''), item, ctx),
      ...(typeof item['caption'] === 'string' ? { caption: item['caption'] } : {}),
    }));
  }
  if (r === 'MessageId') return { message_id: ctx.state.messageId(String(chat['id'])) };
  if (r.startsWith('Message')) return message(name, params, chat, ctx);
  return true;
}

function baseMessage(chat: Obj, ctx: TelegramApiContext): Obj {
  return {
    message_id: ctx.state.messageId(String(chat['id'])),
    from: botUser(ctx.botToken),
    chat,
    date: Math.floor(Date.now() / 1000),
  };
}

function message(name: string, params: Obj, chat: Obj, ctx: TelegramApiContext): Obj {
  const out = baseMessage(chat, ctx);
  const reply = params['reply_parameters'];
  if (isObj(reply) && typeof reply['message_id'] === 'number') {
    out['reply_to_message'] = { message_id: reply['message_id'], chat, date: out['date'] };
  }
  const method = name.toLowerCase();
  if (method === 'sendmessage') out['text'] = params['text'];
  const media = method.startsWith('send') ? method.slice(4) : '';
  const field = {
    photo: 'photo',
    video: 'video',
    audio: 'audio',
    document: 'document',
    voice: 'voice',
    animation: 'animation',
    videonote: 'video_note',
    sticker: 'sticker',
  }[media];
  if (field !== undefined) {
    Object.assign(out, mediaContent(field, String(params[field] ?? ''), params, ctx));
  }
  if (typeof params['caption'] === 'string' && params['caption'] !== '') out['caption'] = params['caption'];
  if (method === 'sendlocation' || method === 'sendvenue') {
    out['location'] = { latitude: params['latitude'], longitude: params['longitude'] };
  }
  if (method === 'sendvenue') {
    out['venue'] = { location: out['location'], title: params['title'], address: params['address'] };
  }
  if (method === 'sendcontact') {
    out['contact'] = {
      phone_number: params['phone_number'],
      first_name: params['first_name'],
      ...(params['last_name'] !== undefined ? { last_name: params['last_name'] } : {}),
    };
  }
  if (method === 'senddice')
    out['dice'] = { emoji: params['emoji'] ?? '🎲', value: 1 + Math.floor(Math.random() * 6) };
  // Telegram echoes an inline keyboard on the message; reply keyboards belong to the client.
  const markup = params['reply_markup'];
  if (isObj(markup) && Array.isArray(markup['inline_keyboard'])) out['reply_markup'] = markup;
  return out;
}

/** The content field of a media message; the file is "fetched" as Telegram would (sizes invented). */
function mediaContent(kind: string, source: string, params: Obj, ctx: TelegramApiContext): Obj {
  const file = () => ({ ...ctx.state.file(), file_size: 20_000 + Math.floor(Math.random() * 80_000) });
  const duration = typeof params['duration'] === 'number' ? params['duration'] : 30;
  const fileName = source.split(/[?#]/)[0]?.split('/').pop() || 'file';
  switch (kind) {
    case 'photo':
      return {
        photo: [
          { ...file(), width: 90, height: 67 },
          { ...file(), width: 320, height: 240 },
          { ...file(), width: 800, height: 600 },
        ],
      };
    case 'video':
      return { video: { ...file(), width: 1280, height: 720, duration, mime_type: 'video/mp4' } };
    case 'audio':
      return { audio: { ...file(), duration, mime_type: 'audio/mpeg', file_name: fileName } };
    case 'voice':
      return { voice: { ...file(), duration, mime_type: 'audio/ogg' } };
    case 'document':
      return { document: { ...file(), file_name: fileName, mime_type: 'application/octet-stream' } };
    case 'animation':
      return { animation: { ...file(), width: 320, height: 240, duration, mime_type: 'video/mp4' } };
    case 'video_note':
      return { video_note: { ...file(), length: 240, duration } };
    case 'sticker':
      return {
        sticker: {
          ...file(),
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          ...(typeof params['emoji'] === 'string' ? { emoji: params['emoji'] } : {}),
        },
      };
    default:
      return {};
  }
}
