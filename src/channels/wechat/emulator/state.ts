/**
 * What the WeChat emulator remembers: the stable access token it issued (the same one for every
 * stable_token call until it expires, as WeChat's stable token is), and per openid the interaction
 * that opened its reply window, with how many messages that interaction still allows.
 */
import { randomBytes } from 'node:crypto';
import { WECHAT_LIMITS as L } from '../limits.ts';
import { WECHAT_SANDBOX_USERS } from './users.ts';

const MAX_USERS = 10_000;
const TOKEN_LIFETIME_S = 7200;

export type Trigger = 'message' | 'event';

interface Interaction {
  at: number;
  trigger: Trigger;
  used: number;
}

export type TokenCheck = 'ok' | 'missing' | 'invalid' | 'expired';
export type WindowCheck = 'ok' | 'closed' | 'quota';

export class WechatSandboxState {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly interactions = new Map<string, Interaction>();
  private readonly calls = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The current token, or a new one when there is none, it expired, or a refresh is forced. */
  issueToken(forceRefresh: boolean): { access_token: string; expires_in: number } {
    const t = this.now();
    if (forceRefresh || this.token === undefined || this.token.expiresAt <= t) {
      // WeChat tokens are long opaque strings (at least 512 characters of storage are advised).
      this.token = { value: randomBytes(102).toString('base64url'), expiresAt: t + TOKEN_LIFETIME_S * 1000 };
    }
    return { access_token: this.token.value, expires_in: Math.ceil((this.token.expiresAt - t) / 1000) };
  }

  checkToken(given: string | undefined): TokenCheck {
    if (given === undefined || given === '') return 'missing';
    if (this.token === undefined || given !== this.token.value) return 'invalid';
    return this.token.expiresAt > this.now() ? 'ok' : 'expired';
  }

  /** Ends the current token's life now (tests of the 42001 path). */
  expireToken(): void {
    if (this.token !== undefined) this.token.expiresAt = this.now();
  }

  /** The person wrote (message) or clicked a menu, followed or scanned (event): a new window. */
  interact(openid: string, trigger: Trigger): void {
    this.remember(openid, { at: this.now(), trigger, used: 0 });
  }

  /** Moves the last interaction into the past, as if the person had written `ms` earlier. */
  age(openid: string, ms: number): void {
    const i = this.interaction(openid);
    this.remember(openid, { ...i, at: i.at - ms });
  }

  /** Whether a message may go to `openid` now; `consume` counts it against the quota. */
  window(openid: string, consume: boolean): WindowCheck {
    const i = this.interaction(openid);
    const span = i.trigger === 'message' ? L.messageWindowMs : L.eventWindowMs;
    const quota = i.trigger === 'message' ? L.messageQuota : L.eventQuota;
    if (this.now() - i.at >= span) return 'closed';
    if (i.used >= quota) return 'quota';
    if (consume) i.used += 1;
    return 'ok';
  }

  /** How many calls this openid has had, this one included (for the flaky sentinels). */
  countCall(openid: string): number {
    const n = (this.calls.get(openid) ?? 0) + 1;
    this.calls.set(openid, n);
    if (this.calls.size > MAX_USERS) this.calls.delete(this.calls.keys().next().value ?? '');
    return n;
  }

  /** A person first seen is taken to have just written, except the window and quota sentinels. */
  private interaction(openid: string): Interaction {
    const known = this.interactions.get(openid);
    if (known !== undefined) return known;
    const t = this.now();
    const fresh: Interaction =
      openid === WECHAT_SANDBOX_USERS.windowClosed
        ? { at: t - L.messageWindowMs - 60_000, trigger: 'message', used: 0 }
        : openid === WECHAT_SANDBOX_USERS.quotaSpent
          ? { at: t, trigger: 'message', used: L.messageQuota }
          : { at: t, trigger: 'message', used: 0 };
    this.remember(openid, fresh);
    return fresh;
  }

  private remember(openid: string, i: Interaction): void {
    this.interactions.delete(openid);
    this.interactions.set(openid, i);
    if (this.interactions.size > MAX_USERS)
      this.interactions.delete(this.interactions.keys().next().value ?? '');
  }
}

/** WeChat appends a request id to every errmsg (`rid: 64f1c2a1-1a2b3c4d-5e6f7a8b`). */
export function rid(): string {
  return [4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-');
}
