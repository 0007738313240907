/**
 * Answers the connectors read the same way, whatever the provider: the ones that did not come from
 * the provider itself but from something in front of it.
 */
import type { SendOutcome } from '../../core/vocabulary/channel.ts';

/**
 * A 5xx not in the provider's own words came from a proxy or load balancer in front of it. A 502
 * or 504 there means the upstream broke off or did not answer in time, which it may do after
 * taking the message: the outcome is unknown. A 503 means no server took the request (RFC 9110
 * §15.6.4), so sending again is safe.
 */
export function proxyServerError(status: number, code: string, reason: string): SendOutcome {
  return status === 503 ? { kind: 'transient', code, reason } : { kind: 'maybe_sent', code, reason };
}

/**
 * A 2xx is the provider taking the message even when its body cannot be read (cut short, not
 * JSON): it must not be sent again. The provider's id is unknown, so receipts naming it cannot
 * find the message.
 */
export const SENT_WITHOUT_ID: SendOutcome = { kind: 'sent' };
