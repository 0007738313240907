import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenFlow } from '../../src/core/vocabulary/channel.ts';
import { AccessTokenError, AccessTokens } from '../../src/dispatch/access-tokens.ts';
import { HttpClient } from '../../src/lib/http.ts';
import { startServer } from '../support/http-server.ts';

/** A token endpoint shaped like WeChat's stable_token, numbering the tokens it issues. */
const flow: AccessTokenFlow = {
  request: (c) => ({ method: 'POST', path: '/token', body: { appid: c['appId'] } }),
  parse: (r) => {
    const body = r.body as { access_token?: string; expires_in?: number; errmsg?: string };
    return body.access_token && body.expires_in
      ? { token: body.access_token, expiresInMs: body.expires_in * 1000 }
      : { error: body.errmsg ?? `HTTP ${r.status}` };
  },
};

describe('access tokens', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const http = new HttpClient();
  beforeAll(async () => {
    server = await startServer((req, res, n) => {
      const appid = JSON.parse(req.body).appid;
      res.setHeader('content-type', 'application/json');
      // A little latency, so concurrent callers really overlap.
      setTimeout(() => {
        res.end(
          JSON.stringify(
            appid === 'bad'
              ? { errcode: 40013, errmsg: 'invalid appid' }
              : { access_token: `T${n}`, expires_in: 7200 },
          ),
        );
      }, 20);
    });
  });
  afterAll(async () => {
    await server.close();
    await http.close();
  });

  it('fetches once for concurrent sends and reuses the token until shortly before it expires', async () => {
    let now = 0;
    const tokens = new AccessTokens(http, () => now);
    const before = server.received.length;
    const got = await Promise.all([1, 2, 3].map(() => tokens.get('ca_1', flow, { appId: 'a' }, server.url)));
    expect(new Set(got).size).toBe(1);
    expect(server.received.length - before).toBe(1);
    now += 7_200_000 - 6 * 60_000; // still more than the 5-minute margin away
    expect(await tokens.get('ca_1', flow, { appId: 'a' }, server.url)).toBe(got[0]);
    now += 2 * 60_000; // inside the margin: renewed
    expect(await tokens.get('ca_1', flow, { appId: 'a' }, server.url)).not.toBe(got[0]);
  });

  it('fetches a new token after the provider refused the old one, and keeps a newer one', async () => {
    const tokens = new AccessTokens(http);
    const first = await tokens.get('ca_2', flow, { appId: 'a' }, server.url);
    tokens.invalidate('ca_2', first);
    const second = await tokens.get('ca_2', flow, { appId: 'a' }, server.url);
    expect(second).not.toBe(first);
    tokens.invalidate('ca_2', first); // a late refusal of the old token
    expect(await tokens.get('ca_2', flow, { appId: 'a' }, server.url)).toBe(second);
  });

  it("reports the provider's refusal to issue a token", async () => {
    const tokens = new AccessTokens(http);
    await expect(tokens.get('ca_3', flow, { appId: 'bad' }, server.url)).rejects.toThrow(AccessTokenError);
    await expect(tokens.get('ca_3', flow, { appId: 'bad' }, server.url)).rejects.toThrow('invalid appid');
  });
});
