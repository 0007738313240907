/**
 * The kinds of message a channel cannot carry at all (a WeChat carousel, a Viber location card
 * reply) are refused first, a 422 naming the kind: nothing else about the request matters then.
 */
import type { FieldIssue } from '../../vocabulary/channel.ts';
import type { CanonicalMessage } from '../../vocabulary/message.ts';
import { PASS, type RequestUnderCheck, type RuleChannel, refuse, type SendRule } from './rule.ts';

/** Why the channel refuses this kind of message, as a field issue; undefined if it carries it. */
export function capabilityRefusal(
  channel: Pick<RuleChannel, 'capabilities' | 'displayName'>,
  message: CanonicalMessage,
): FieldIssue | undefined {
  const capability = channel.capabilities[message.type];
  if (capability.support !== 'refused') return undefined;
  return {
    pointer: '/message/type',
    rule: 'channel_capability',
    detail: `${channel.displayName} cannot carry a ${message.type} message: ${capability.reason}`,
  };
}

export const capability: SendRule<RequestUnderCheck> = {
  name: 'capability',
  check: ({ send, channel }) => {
    const refusal = capabilityRefusal(channel, send.message);
    return refusal ? refuse([refusal], 'GW_CAPABILITY') : PASS;
  },
};
