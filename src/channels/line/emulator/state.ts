/**
 * What the LINE emulator remembers: reply tokens it issued (single use, like LINE's), retry keys it
 * accepted (a replay answers 409, as LINE does), and the ids it hands out.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { LINE_REPLY_TOKEN_VALID_MS } from '../limits.ts';

export interface SentMessage {
  id: string;
  quoteToken?: string;
}

/**
 * Reply tokens carry their own proof (an HMAC under the channel secret) and the time they were
 * issued (the first 12 hex digits of the nonce), so a token minted by another emulator instance,
 * or before a restart, is still recognised; spent and stale ones are refused.
 */
export function mintReplyToken(channelSecret: string, issuedAt: number = Date.now()): string {
  const nonce = issuedAt.toString(16).padStart(12, '0') + randomBytes(10).toString('hex');
  return `${nonce}${tokenMac(nonce, channelSecret)}`;
}

export function isSandboxReplyToken(token: string, channelSecret: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(token)) return false;
  const expected = Buffer.from(tokenMac(token.slice(0, 32), channelSecret));
  const actual = Buffer.from(token.slice(32));
  return timingSafeEqual(expected, actual);
}

function issuedAtOf(token: string): number {
  return Number.parseInt(token.slice(0, 12), 16);
}

function tokenMac(nonce: string, secret: string): string {
  return createHmac('sha256', secret).update(`line-reply-token:${nonce}`).digest('hex').slice(0, 32);
}

/** Bounded so a long-running sandbox cannot grow without limit; LINE keeps retry keys for 24 h. */
const MAX_REMEMBERED = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

export class LineSandboxState {
  private readonly spentReplyTokens = new Map<string, true>();
  private readonly acceptedRetryKeys = new Map<string, { requestId: string; sentMessages: SentMessage[] }>();
  private nextMessageId = BigInt(Date.now()) * 100_000n;

  constructor(private readonly channelSecret: string) {}

  issueReplyToken(): string {
    return mintReplyToken(this.channelSecret);
  }

  /** A token is good once, for a while: issued by us (by its form), fresh, and not yet spent. */
  canReply(token: string, now: number = Date.now()): boolean {
    return (
      isSandboxReplyToken(token, this.channelSecret) &&
      now - issuedAtOf(token) <= LINE_REPLY_TOKEN_VALID_MS &&
      !this.spentReplyTokens.has(token)
    );
  }

  spendReplyToken(token: string): void {
    remember(this.spentReplyTokens, token, true);
  }

  acceptedRetry(key: string): { requestId: string; sentMessages: SentMessage[] } | undefined {
    return this.acceptedRetryKeys.get(key.toLowerCase());
  }

  acceptRetry(key: string, requestId: string, sentMessages: SentMessage[]): void {
    remember(this.acceptedRetryKeys, key.toLowerCase(), { requestId, sentMessages });
  }

  /** LINE message ids are decimal strings of about 18 digits. */
  messageId(): string {
    this.nextMessageId += 1n;
    return this.nextMessageId.toString();
  }

  quoteToken(): string {
    return randomBytes(48).toString('base64url');
  }

  requestId(): string {
    return randomUUID();
  }
}
