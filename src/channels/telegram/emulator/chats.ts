/**
 * The sandbox's test chats (README.md), so every answer a client must handle can be provoked:
 * ids starting with 999 do not exist, 403 blocked the bot, and 429 / 500 fail every other call
 * (the 1st, 3rd, …) so a client's retry of the same call succeeds. Otherwise positive ids are
 * private chats, -100… supergroups, other negative ids groups, and @names channels.
 */
import type { Obj } from '../../../lib/json.ts';
import { isTelegramChatId, TELEGRAM_USERNAME } from '../limits.ts';
import type { TelegramSandboxState } from './state.ts';
import { usernameChatId } from './state.ts';

export interface ChatRefusal {
  status: number;
  description: string;
  parameters?: Obj;
}

export const CHAT_NOT_FOUND: ChatRefusal = { status: 400, description: 'Bad Request: chat not found' };

/** Retry after one second: long enough to be honoured, short enough for tests. */
const TOO_MANY_REQUESTS: ChatRefusal = {
  status: 429,
  description: 'Too Many Requests: retry after 1',
  parameters: { retry_after: 1 },
};

export function sandboxChat(
  chatId: unknown,
  state: TelegramSandboxState,
): { chat: Obj } | { refused: ChatRefusal } {
  const s = String(chatId);
  if (TELEGRAM_USERNAME.test(s)) {
    return { chat: { id: usernameChatId(s), title: s.slice(1), username: s.slice(1), type: 'channel' } };
  }
  if (!isTelegramChatId(s) || s.startsWith('999')) return { refused: CHAT_NOT_FOUND };
  if (s.startsWith('403')) {
    return { refused: { status: 403, description: 'Forbidden: bot was blocked by the user' } };
  }
  if ((s.startsWith('429') || s.startsWith('500')) && state.countCall(s) % 2 === 1) {
    return {
      refused: s.startsWith('429')
        ? TOO_MANY_REQUESTS
        : { status: 500, description: 'Internal Server Error' },
    };
  }
  const id = Number(s);
  if (id > 0) return { chat: { id, first_name: 'Sandbox', last_name: 'User', type: 'private' } };
  return {
    chat: s.startsWith('-100')
      ? { id, title: 'Sandbox Supergroup', type: 'supergroup' }
      : { id, title: 'Sandbox Group', type: 'group' },
  };
}
