/**
 * WeChat's access tokens: POST /cgi-bin/stable_token with the AppID and AppSecret answers
 * `{access_token, expires_in}` (seconds, 7200 today) or `{errcode, errmsg}`. The stable token is
 * the same for every call until it expires, so several gateways sharing an account do not
 * invalidate each other's token (the classic /cgi-bin/token does).
 */

import type { AccessTokenFlow } from '../../core/vocabulary/channel.ts';
import { isObj } from '../../lib/json.ts';
import { WECHAT_PATHS } from './provider/paths.ts';

export const wechatAccessToken: AccessTokenFlow = {
  request(credentials) {
    return {
      method: 'POST',
      path: WECHAT_PATHS.token,
      headers: { 'content-type': 'application/json' },
      body: {
        grant_type: 'client_credential',
        appid: credentials['appId'] ?? '',
        secret: credentials['appSecret'] ?? '',
      },
    };
  },
  parse(response) {
    const body = response.body;
    if (response.status === 200 && isObj(body) && typeof body['access_token'] === 'string') {
      const seconds =
        typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : 7200;
      return { token: body['access_token'], expiresInMs: seconds * 1000 };
    }
    if (isObj(body) && typeof body['errcode'] === 'number') {
      return {
        error: `WeChat stable_token answered ${body['errcode']} ${String(body['errmsg'] ?? '')}`.trim(),
      };
    }
    return { error: `WeChat stable_token answered HTTP ${response.status} without a token` };
  },
};
