/**
 * A `callbackUrl` that is a non-public address literal (loopback, a private range) is refused with
 * the request's other problems; a name is checked when the callback is delivered, where it resolves.
 */
import type { DestinationGuard } from '../../../lib/ssrf-guard.ts';
import { flag, PASS, type RequestUnderCheck, type SendRule } from './rule.ts';

export interface CallbackDestinationPort {
  /** Omitted: every destination is allowed (tests, the sandbox). */
  destinationGuard?: Pick<DestinationGuard, 'urlRefusal'> | undefined;
}

export const callbackDestination: SendRule<RequestUnderCheck, CallbackDestinationPort> = {
  name: 'callback-destination',
  check: ({ send, port }) => {
    const refused = send.callbackUrl && port.destinationGuard?.urlRefusal(send.callbackUrl);
    return refused ? flag([{ pointer: '/callbackUrl', rule: 'public_address', detail: refused }]) : PASS;
  },
};
