/**
 * A message sent without `expiresAt` may wait as long as its channel's default allows
 * (OMNIGATE_<CHANNEL>_DEFAULT_TTL_SECONDS), counted from the accept; without one it never expires.
 */
import { change, PASS, type RequestUnderCheck, type SendRule } from './rule.ts';

export interface DefaultExpiryPort {
  /** Per channel name, seconds. */
  defaultTtlSeconds?: Readonly<Record<string, number | undefined>> | undefined;
}

export const defaultExpiry: SendRule<RequestUnderCheck, DefaultExpiryPort> = {
  name: 'default-expiry',
  check: ({ send, port, now }) => {
    const ttl = port.defaultTtlSeconds?.[send.channel];
    if (send.expiresAt !== undefined || ttl === undefined) return PASS;
    return change({ expiresAt: new Date(now().getTime() + ttl * 1000).toISOString() });
  },
};
