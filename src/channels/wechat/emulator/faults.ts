/** How WeChat answers when it throttles or breaks (HTTP 200, errcode), for the sandbox's chaos mode. */
import type { SandboxFaults } from '../../../sandbox/types.ts';

export const wechatFaults: SandboxFaults = {
  throttled: () => ({ status: 200, body: { errcode: 45009, errmsg: 'reach max api daily quota limit' } }),
  serverError: () => ({ status: 200, body: { errcode: -1, errmsg: 'system error' } }),
};
