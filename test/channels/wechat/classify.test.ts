import { describe, expect, it } from 'vitest';
import { wechatConnector } from '../../../src/channels/wechat/index.ts';

const classify = (body: unknown, status = 200) => wechatConnector.classify({ status, headers: {}, body });

describe('WeChat classify', () => {
  it('treats errcode 0 as sent; WeChat gives no message id', () => {
    expect(classify({ errcode: 0, errmsg: 'ok' })).toEqual({ kind: 'sent' });
  });

  it.each([40001, 40014, 41001, 42001])('retries %i with a fresh access token', (errcode) => {
    expect(classify({ errcode, errmsg: 'access_token expired rid: 1-2-3' })).toEqual({
      kind: 'transient',
      code: `wechat_${errcode}`,
      reason: `${errcode} access_token expired rid: 1-2-3`,
      invalidateAccessToken: true,
    });
  });

  it('retries system busy without dropping the token', () => {
    const outcome = classify({ errcode: -1, errmsg: 'system error' });
    expect(outcome).toEqual({ kind: 'transient', code: 'wechat_-1', reason: '-1 system error' });
  });

  it('rate limits the API quotas: 45011 waits a minute, 45009 backs off', () => {
    expect(classify({ errcode: 45011, errmsg: 'api minute-quota reach limit' })).toMatchObject({
      kind: 'rate_limited',
      code: 'wechat_45011',
      retryAfterMs: 60_000,
    });
    const daily = classify({ errcode: 45009, errmsg: 'reach max api daily quota limit' });
    expect(daily).toMatchObject({ kind: 'rate_limited', code: 'wechat_45009' });
    expect(daily).not.toHaveProperty('retryAfterMs');
  });

  it.each([
    [45015, /48-hour window/],
    [45047, /quota is spent/],
    [40003, /not an openid/],
    [43004, /does not follow/],
    [48001, /not authorised/],
  ])('fails %i permanently with the reason', (errcode, hint) => {
    const outcome = classify({ errcode, errmsg: 'x' });
    expect(outcome).toMatchObject({ kind: 'permanent', code: `wechat_${errcode}` });
    expect(outcome.kind === 'permanent' ? outcome.reason : '').toMatch(hint);
  });

  it('fails unknown errcodes permanently with errmsg', () => {
    expect(classify({ errcode: 40008, errmsg: 'invalid message type' })).toEqual({
      kind: 'permanent',
      code: 'wechat_40008',
      reason: '40008 invalid message type',
    });
  });

  it('retries server errors and answers without an errcode', () => {
    // WeChat answers 200 whatever happened: a 5xx is a proxy's, and after a 502 it may have the message.
    expect(classify('<html>502</html>', 502)).toMatchObject({ kind: 'maybe_sent', code: 'wechat_http_502' });
    expect(classify('<html>503</html>', 503)).toMatchObject({ kind: 'transient', code: 'wechat_http_503' });
    expect(classify({ unexpected: true })).toMatchObject({ kind: 'transient', code: 'wechat_bad_answer' });
    // A 2xx took the message, even when its body cannot be read.
    expect(classify('{"errcode":0,"errms')).toEqual({ kind: 'sent' });
    expect(classify(undefined)).toEqual({ kind: 'sent' });
  });
});
