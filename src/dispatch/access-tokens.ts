/**
 * Short-lived provider access tokens (WeChat), one per channel account, fetched on first use and
 * shared by every send of that account until shortly before they expire. Concurrent sends that
 * find no token wait for one fetch rather than each asking the provider (WeChat counts token
 * requests against a daily quota).
 */
import type { AccessTokenFlow, Credentials } from '../core/vocabulary/channel.ts';
import type { HttpClient } from '../lib/http.ts';

/** Renew this long before the provider's expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export class AccessTokenError extends Error {}

interface CachedToken {
  token: string;
  renewAt: number;
}

export class AccessTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  get(accountId: string, flow: AccessTokenFlow, credentials: Credentials, baseUrl: string): Promise<string> {
    const cached = this.cache.get(accountId);
    if (cached && cached.renewAt > this.now()) return Promise.resolve(cached.token);
    let fetching = this.pending.get(accountId);
    if (!fetching) {
      fetching = this.fetch(accountId, flow, credentials, baseUrl).finally(() =>
        this.pending.delete(accountId),
      );
      this.pending.set(accountId, fetching);
    }
    return fetching;
  }

  /** Drops the token the provider refused, unless a newer one already replaced it. */
  invalidate(accountId: string, token: string): void {
    if (this.cache.get(accountId)?.token === token) this.cache.delete(accountId);
  }

  private async fetch(
    accountId: string,
    flow: AccessTokenFlow,
    credentials: Credentials,
    baseUrl: string,
  ): Promise<string> {
    const request = flow.request(credentials);
    const response = await this.http.post(baseUrl + request.path, request.headers ?? {}, request.body);
    const parsed = flow.parse(response);
    if ('error' in parsed) throw new AccessTokenError(`fetching an access token failed: ${parsed.error}`);
    const lifetime = parsed.expiresInMs;
    const margin = Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
    this.cache.set(accountId, { token: parsed.token, renewAt: this.now() + lifetime - margin });
    return parsed.token;
  }
}
