/**
 * Text Omnigate composes for Telegram (folded titles, footers, numbered cards, receipts). When the
 * caller picked a `parseMode`, their own `text` / `caption` is markup and passes as is, but every
 * other canonical field is plain text and is escaped, so a title like `50% off!` cannot break the
 * parse (MarkdownV2 refuses an unescaped `!`).
 */
import type { ParseMode } from './options.ts';

const MARKDOWN_V2_SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g;

export function escapeFor(mode: ParseMode | undefined, text: string): string {
  if (mode === 'MarkdownV2') return text.replace(MARKDOWN_V2_SPECIAL, (c) => `\\${c}`);
  if (mode === 'HTML') return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text;
}
