/**
 * What the Telegram emulator remembers: the last message id of each chat (Telegram numbers
 * messages per chat, from 1), the update ids it handed out, the callback queries it issued (each
 * answerable once), how many calls each flaky sandbox chat has had, and fresh file ids.
 */
import { randomBytes } from 'node:crypto';

/** Bounded so a long-running sandbox cannot grow without limit. */
const MAX_CHATS = 10_000;
const MAX_QUERIES = 10_000;

/** Map.set that forgets the oldest entry past `max` (Maps iterate in insertion order). */
function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

export class TelegramSandboxState {
  private readonly lastMessageId = new Map<string, number>();
  // Telegram's update ids are increasing integers; start somewhere that looks like one.
  private lastUpdateId = 100_000_000 + Math.floor(Math.random() * 100_000_000);
  private lastCallbackId = BigInt(Date.now()) * 1_000_000n;

  private readonly openQueries = new Map<string, true>();
  private readonly calls = new Map<string, number>();

  messageId(chatId: string | number): number {
    const key = String(chatId);
    const next = (this.lastMessageId.get(key) ?? 0) + 1;
    setBounded(this.lastMessageId, key, next, MAX_CHATS);
    return next;
  }

  updateId(): number {
    this.lastUpdateId += 1;
    return this.lastUpdateId;
  }

  /** A new callback query id, remembered so answerCallbackQuery can tell it from a made-up one. */
  callbackQueryId(): string {
    this.lastCallbackId += 1n;
    const id = this.lastCallbackId.toString();
    setBounded(this.openQueries, id, true, MAX_QUERIES);
    return id;
  }

  /** True once for an issued query: Telegram refuses a second answer like an unknown id. */
  answerCallbackQuery(id: string): boolean {
    return this.openQueries.delete(id);
  }

  /** How many calls this chat has had, this one included (for the flaky sandbox chats). */
  countCall(chatId: string | number): number {
    const key = String(chatId);
    const n = (this.calls.get(key) ?? 0) + 1;
    setBounded(this.calls, key, n, MAX_CHATS);
    return n;
  }

  /** A file_id / file_unique_id pair shaped like Telegram's (base64url, no meaning). */
  file(): { file_id: string; file_unique_id: string } {
    return {
      file_id: `AgAC${randomBytes(48).toString('base64url')}`,
      file_unique_id: `AQAD${randomBytes(9).toString('base64url')}`,
    };
  }
}

/** A stable number for a public @username chat, as Telegram's channel ids look (-100…). */
export function usernameChatId(username: string): number {
  let h = 0;
  for (const c of username.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_000;
  return -(1_000_000_000_000 + h);
}
