/**
 * Answers the WeChat endpoints Omnigate calls as WeChat would: always HTTP 200 with
 * `{errcode, errmsg}` (errcode 0 "ok" on success, no message id), checking in WeChat's order the
 * access token, the body, the recipient's sentinel behaviour, the 48-hour window and the
 * per-interaction quota.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { rid, type WechatSandboxState } from './state.ts';
import { type Refusal, sentinelRefusal } from './users.ts';
import { validateSend, validateTyping } from './validate.ts';

export interface WechatAnswer {
  body: Obj;
  /** The parsed request body, for the recorder. */
  parsed: unknown;
}

export interface WechatApiContext {
  appId: string;
  appSecret: string;
  state: WechatSandboxState;
}

export const errorBody = (r: Refusal): Obj => ({ errcode: r.errcode, errmsg: `${r.errmsg} rid: ${rid()}` });
const OK = { errcode: 0, errmsg: 'ok' };

/** An empty body is 44002 and text that is not JSON 47001, as WeChat answers them. */
function parseJson(raw: string): { value: unknown } | Refusal {
  if (raw.trim() === '') return { errcode: 44002, errmsg: 'empty post data' };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return { errcode: 47001, errmsg: 'data format error hint: [the body is not JSON]' };
  }
}

export function handleStableToken(raw: string, ctx: WechatApiContext): WechatAnswer {
  const parsed = parseJson(raw);
  if (!('value' in parsed)) return { body: errorBody(parsed), parsed: undefined };
  const body = parsed.value;
  // The secret must not reach the recorder, whatever the answer.
  const recorded = isObj(body) && 'secret' in body ? { ...body, secret: '[redacted]' } : body;
  const refuse = (r: Refusal) => ({ body: errorBody(r), parsed: recorded });
  if (!isObj(body)) return refuse({ errcode: 47001, errmsg: 'data format error' });
  if (body['grant_type'] !== 'client_credential')
    return refuse({ errcode: 40002, errmsg: 'invalid grant_type' });
  if (body['appid'] !== ctx.appId) return refuse({ errcode: 40013, errmsg: 'invalid appid' });
  if (body['secret'] !== ctx.appSecret) return refuse({ errcode: 40125, errmsg: 'invalid appsecret' });
  const force = body['force_refresh'];
  if (force !== undefined && typeof force !== 'boolean')
    return refuse({ errcode: 47001, errmsg: 'data format error' });
  return { body: ctx.state.issueToken(force === true), parsed: recorded };
}

function checkToken(token: string | undefined, ctx: WechatApiContext): Refusal | undefined {
  switch (ctx.state.checkToken(token)) {
    case 'missing':
      return { errcode: 41001, errmsg: 'access_token missing' };
    case 'invalid':
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    case 'expired':
      return { errcode: 42001, errmsg: 'access_token expired' };
    case 'ok':
      return undefined;
  }
}

export function handleCustomSend(
  endpoint: 'send' | 'typing',
  token: string | undefined,
  raw: string,
  ctx: WechatApiContext,
): WechatAnswer {
  const tokenProblem = checkToken(token, ctx);
  const parsed = parseJson(raw);
  const value = 'value' in parsed ? parsed.value : undefined;
  if (tokenProblem !== undefined) return { body: errorBody(tokenProblem), parsed: value };
  if (!('value' in parsed)) return { body: errorBody(parsed), parsed: undefined };
  const valid = endpoint === 'send' ? validateSend(value) : validateTyping(value);
  if ('errcode' in valid) return { body: errorBody(valid), parsed: value };
  const openid = valid.touser;
  const refusal = sentinelRefusal(openid, () => ctx.state.countCall(openid));
  if (refusal !== undefined) return { body: errorBody(refusal), parsed: value };
  // Typing needs an open window but spends none of its quota.
  switch (ctx.state.window(openid, endpoint === 'send')) {
    case 'closed':
      return {
        body: errorBody({ errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' }),
        parsed: value,
      };
    case 'quota':
      return { body: errorBody({ errcode: 45047, errmsg: 'out of response count limit' }), parsed: value };
    case 'ok':
      return { body: OK, parsed: value };
  }
}
