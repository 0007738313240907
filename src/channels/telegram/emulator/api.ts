/**
 * Answers one Bot API call as Telegram would: 401 for a wrong token, 404 for an unknown method,
 * 400 "can't parse entities" for markup Telegram cannot parse, 400 with Telegram's description for
 * parameters api.json does not allow, 400 for a callback query the sandbox never issued (or already
 * answered), the sandbox's test chats (chats.ts), and otherwise `{ok:true, result}` with a realistic
 * Message that echoes the visible text and its entities.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import type { MessageEntity } from '../provider/parse-mode/entities.ts';
import { sandboxChat } from './chats.ts';
import { applyMarkup, type Markup } from './markup.ts';
import type { TelegramSandboxState } from './state.ts';
import { type TelegramValidator, takenButtonAction } from './validator.ts';

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
  // Telegram parses the markup before it checks lengths, which count the visible text.
  const markup = applyMarkup(
    params,
    (method.fields ?? []).some((f) => f.name === 'parse_mode'),
  );
  if ('error' in markup) return telegramError(400, `Bad Request: ${markup.error}`);
  const problem = ctx.validator.validate(method, markup.params);
  if (problem !== undefined) return telegramError(400, `Bad Request: ${problem}`);

  // Only a query the sandbox handed out (through /_simulate/message) can be answered, and once.
  if (
    method.name === 'answerCallbackQuery' &&
    !ctx.state.answerCallbackQuery(String(params['callback_query_id']))
  ) {
    return telegramError(
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
  }

  let chat: Obj | undefined;
  if (params['chat_id'] !== undefined) {
    const found = sandboxChat(params['chat_id'], ctx.state);
    if ('refused' in found) {
      const { status, description, parameters } = found.refused;
      return telegramError(status, description, parameters);
    }
    chat = found.chat;
  }
  return { status: 200, body: { ok: true, result: result(method.name, method.returns, markup, chat, ctx) } };
}

function result(
  name: string,
  returns: string[],
  markup: Markup,
  chat: Obj | undefined,
  ctx: TelegramApiContext,
): unknown {
  const { params } = markup;
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
    return params['media'].map((item, i) =>
      isObj(item)
        ? {
            ...baseMessage(chat, ctx),
            media_group_id: groupId,
            ...mediaContent(String(item['type']), String(item['media'] ?? ''), item, ctx),
            ...(typeof item['caption'] === 'string' ? { caption: item['caption'] } : {}),
            ...withEntities('caption_entities', markup.media[i]),
          }
        : item,
    );
  }
  if (r === 'MessageId') return { message_id: ctx.state.messageId(String(chat['id'])) };
  if (r.startsWith('Message')) return message(name, markup, chat, ctx);
  return true;
}

/** Telegram leaves `entities` out of a Message whose text has none. */
const withEntities = (key: string, list: MessageEntity[] | undefined) =>
  list !== undefined && list.length > 0 ? { [key]: list } : {};

function baseMessage(chat: Obj, ctx: TelegramApiContext): Obj {
  return {
    message_id: ctx.state.messageId(String(chat['id'])),
    from: botUser(ctx.botToken),
    chat,
    date: Math.floor(Date.now() / 1000),
  };
}

function message(name: string, markup: Markup, chat: Obj, ctx: TelegramApiContext): Obj {
  const { params, entities } = markup;
  const out = baseMessage(chat, ctx);
  const reply = params['reply_parameters'];
  if (isObj(reply) && typeof reply['message_id'] === 'number') {
    out['reply_to_message'] = { message_id: reply['message_id'], chat, date: out['date'] };
  }
  const method = name.toLowerCase();
  if (method === 'sendmessage')
    Object.assign(out, { text: params['text'] }, withEntities('entities', entities.text));
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
  if (typeof params['caption'] === 'string' && params['caption'] !== '') {
    Object.assign(out, { caption: params['caption'] }, withEntities('caption_entities', entities.caption));
  }
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
  const keyboard = params['reply_markup'];
  if (isObj(keyboard) && Array.isArray(keyboard['inline_keyboard'])) {
    out['reply_markup'] = { inline_keyboard: keyboard['inline_keyboard'].map(echoedRow) };
  }
  return out;
}

const BUTTON_LABEL = ['text', 'icon_custom_emoji_id', 'style'];

/** A row as Telegram keeps it: each button with its label and the one action the server took. */
function echoedRow(row: unknown): unknown {
  if (!Array.isArray(row)) return row;
  return row.map((button) => {
    if (!isObj(button)) return button;
    const taken = takenButtonAction('InlineKeyboardButton', button, []);
    const keep = taken === undefined ? BUTTON_LABEL : [...BUTTON_LABEL, taken];
    return Object.fromEntries(Object.entries(button).filter(([k]) => keep.includes(k)));
  });
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
