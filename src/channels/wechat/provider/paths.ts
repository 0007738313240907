/**
 * The WeChat Official Account API paths the connector calls and the emulator serves. The access
 * token is a placeholder that `authorize` fills at send time.
 */
export const WECHAT_PATHS = {
  send: '/cgi-bin/message/custom/send?access_token={accessToken}',
  typing: '/cgi-bin/message/custom/typing?access_token={accessToken}',
  token: '/cgi-bin/stable_token',
} as const;
