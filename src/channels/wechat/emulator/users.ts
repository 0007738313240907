/**
 * The sandbox's test openids (README.md), so every answer a client must handle can be provoked.
 * Each is `oSandbox` + what it does, padded to an openid's 28 characters. Any other well-formed
 * openid is a follower who wrote to the account when the emulator first saw it.
 */

const sentinel = (name: string): string => `oSandbox${name}`.padEnd(28, '0');

export const WECHAT_SANDBOX_USERS = {
  /** An ordinary follower; any other well-formed openid behaves the same. */
  follower: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
  /** 40003 invalid openid: not a follower of this account. */
  notFollower: sentinel('40003'),
  /** 43004 require subscribe: unfollowed. */
  unsubscribed: sentinel('43004'),
  /** 45015: last wrote more than 48 hours ago. */
  windowClosed: sentinel('45015'),
  /** 45047: the quota of its last interaction is already spent. */
  quotaSpent: sentinel('45047'),
  /** 48001 api unauthorized. */
  unauthorized: sentinel('48001'),
  /** 45009 api freq out of limit on every other call (the 1st, 3rd, ...), so a retry succeeds. */
  throttled: sentinel('45009'),
  /** -1 system error on every other call (the 1st, 3rd, ...), so a retry succeeds. */
  busy: sentinel('Busy'),
} as const;

export interface Refusal {
  errcode: number;
  errmsg: string;
}

/** A sentinel's fixed refusal; the window and quota ones are state (see state.ts). */
export function sentinelRefusal(openid: string, callNumber: () => number): Refusal | undefined {
  const u = WECHAT_SANDBOX_USERS;
  switch (openid) {
    case u.notFollower:
      return { errcode: 40003, errmsg: 'invalid openid' };
    case u.unsubscribed:
      return { errcode: 43004, errmsg: 'require subscribe' };
    case u.unauthorized:
      return { errcode: 48001, errmsg: 'api unauthorized' };
    case u.throttled:
      return callNumber() % 2 === 1
        ? { errcode: 45009, errmsg: 'reach max api daily quota limit' }
        : undefined;
    case u.busy:
      return callNumber() % 2 === 1 ? { errcode: -1, errmsg: 'system error' } : undefined;
    default:
      return undefined;
  }
}
