/**
 * The maybe-sent policy: what happens to a message whose last attempt may have reached the
 * provider without the gateway learning whether it did (the connection was cut after the request
 * was written, the answer timed out, a proxy answered 502 or 504, the worker died mid-attempt).
 *
 * Resending risks a duplicate; not resending risks a message never delivered. A provider that
 * deduplicates (LINE's retry key) makes the resend safe, so it is resent within the attempt budget.
 * Elsewhere a person may get the message twice, so it is resent once at most, and a second unknown
 * outcome fails it with `maybe_sent`: one duplicate at worst, never a loop. Each resend is counted on
 * the message (`maybeSentResends`, an event coded `maybe_sent_resend`) and in `maybeSentCounters`.
 */
import type { MaybeSentPolicy } from '../core/vocabulary/channel.ts';

export const DEFAULT_MAYBE_SENT_POLICY: MaybeSentPolicy = 'resend_once';

/** The event code of a resend after an unknown outcome. */
export const MAYBE_SENT_RESEND = 'maybe_sent_resend';

/** Whether a message whose outcome is unknown goes again, given how often it already did. */
export function afterUnknownOutcome(
  policy: MaybeSentPolicy | undefined,
  resendsSoFar: number,
): 'resend' | 'fail' {
  switch (policy ?? DEFAULT_MAYBE_SENT_POLICY) {
    case 'resend':
      return 'resend';
    case 'resend_once':
      return resendsSoFar < 1 ? 'resend' : 'fail';
    case 'fail':
      return 'fail';
  }
}

/**
 * What this process's dispatchers decided after unknown outcomes, since it started, per channel:
 * kept for a metrics endpoint to expose (there is none yet).
 */
export const maybeSentCounters = {
  resends: new Map<string, number>(),
  failures: new Map<string, number>(),
  count(kind: 'resends' | 'failures', channel: string): void {
    this[kind].set(channel, (this[kind].get(channel) ?? 0) + 1);
  },
};
