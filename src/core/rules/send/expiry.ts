/**
 * A send's own `expiresAt` must be an instant this server can hold and still ahead: a message
 * that expired before it was accepted would never be sent.
 */
import { flag, PASS, type RequestUnderCheck, type SendRule } from './rule.ts';

export const expiry: SendRule<RequestUnderCheck> = {
  name: 'expiry',
  check: ({ send, now }) => {
    if (!send.expiresAt) return PASS;
    const at = Date.parse(send.expiresAt);
    if (Number.isNaN(at)) {
      // RFC 3339 allows a leap second (…T23:59:60Z) that JavaScript dates cannot represent.
      return flag([
        { pointer: '/expiresAt', rule: 'format', detail: 'is not an instant this server can represent' },
      ]);
    }
    if (at <= now().getTime()) {
      return flag([
        { pointer: '/expiresAt', rule: 'future', detail: 'is already past; the message would never be sent' },
      ]);
    }
    return PASS;
  },
};
