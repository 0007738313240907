/**
 * Smart links: `{{link_N}}` in a message's text becomes a short URL served by Omnigate, unique per
 * recipient, pointing at the N-th entry of the send's `smartlinks` (a stored link, and how long
 * the short URL stays valid). A click is recorded and redirected; an expired one answers 410.
 */
import { randomBytes } from 'node:crypto';
import { mapStrings } from './map-strings.ts';
import type { FieldIssue } from './vocabulary/channel.ts';
import type { CanonicalMessage } from './vocabulary/message.ts';

const LINK = /\{\{\s*link_(\d+)\s*\}\}/g;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Default validity of a short URL when the send gives none: 30 days. */
export const DEFAULT_VALIDITY_S = 30 * 86_400;

/** Problems with the placeholders: each `{{link_N}}` needs a smartlinks entry N. */
export function checkLinkPlaceholders(message: CanonicalMessage, entries: number): FieldIssue[] {
  const used = new Set<number>();
  mapStrings(message, (s) => {
    for (const m of s.matchAll(LINK)) used.add(Number(m[1]));
    return s;
  });
  return [...used]
    .filter((n) => n < 1 || n > entries)
    .map((n) => ({
      pointer: '/message',
      rule: 'smartlink',
      detail: `{{link_${n}}} has no smartlinks entry ${n} (the send has ${entries})`,
    }));
}

/** The message with `{{link_N}}` replaced by `urls[N - 1]`. */
export function fillLinks(message: CanonicalMessage, urls: string[]): CanonicalMessage {
  return mapStrings(message, (s) =>
    s.replace(LINK, (m, n: string) => urls[Number(n) - 1] ?? m),
  ) as CanonicalMessage;
}

/** A short, unguessable code (10 characters of a 57-letter alphabet: ~58 bits). */
export function newLinkCode(): string {
  const bytes = randomBytes(10);
  let code = '';
  for (const b of bytes) code += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return code;
}
