/**
 * What the Telegram emulator remembers: the last message id of each chat (Telegram numbers
 * messages per chat, from 1), the update ids it handed out, and fresh file ids.
 */
import { randomBytes } from 'node:crypto';

/** Bounded so a long-running sandbox cannot grow without limit. */
const MAX_CHATS = 10_000;

export class TelegramSandboxState {
  private readonly lastMessageId = new Map<string, number>();
  // Telegram's update ids are increasing integers; start somewhere that looks like one.
  private lastUpdateId = 100_000_000 + Math.floor(Math.random() * 100_000_000);
  private lastCallbackId = BigInt(Date.now()) * 1_000_000n;

  messageId(chatId: string | number): number {
    const key = String(chatId);
    const next = (this.lastMessageId.get(key) ?? 0) + 1;
    this.lastMessageId.delete(key);
    this.lastMessageId.set(key, next);
    if (this.lastMessageId.size > MAX_CHATS) {
      const oldest = this.lastMessageId.keys().next();
      if (!oldest.done) this.lastMessageId.delete(oldest.value);
    }
    return next;
  }

  updateId(): number {
    this.lastUpdateId += 1;
    return this.lastUpdateId;
  }

  callbackQueryId(): string {
    this.lastCallbackId += 1n;
    return this.lastCallbackId.toString();
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
