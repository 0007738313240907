/**
 * The provider's documented limits (text length, buttons, media types), checked by the channel
 * before anything is stored: a request the provider would refuse after the accept is refused now,
 * a 422 GW_CAPABILITY, like a kind the channel cannot carry.
 */
import { channelOptions } from '../../prepare-send.ts';
import { PASS, type RequestUnderCheck, refuse, type SendRule } from './rule.ts';

export const channelLimits: SendRule<RequestUnderCheck> = {
  name: 'channel-limits',
  check: ({ send, channel, decided }) => {
    // The limits read fields the request's own rules would find missing, so they wait for those.
    if (decided.flagged.length > 0) return PASS;
    const refused = channel.check(send.message, channelOptions(channel, send.options));
    return refused.length > 0 ? refuse(refused, 'GW_CAPABILITY') : PASS;
  },
};
