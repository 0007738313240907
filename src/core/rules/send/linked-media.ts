/**
 * Media a send only links to, judged before it is accepted: the channel names the URLs whose
 * facts its provider's rules depend on (`linkedMedia.links`), each is probed (lib/media-probe.ts:
 * HEAD or a ranged GET through the SSRF guard, a short deadline, a cache), and the channel refuses
 * what the provider would (`linkedMedia.check`), a 422 GW_CAPABILITY at the URL's pointer.
 *
 * A probe that cannot be done (the host unreachable, no answer in time, a private address) does
 * not refuse the send: the provider may well reach what the gateway cannot. The rules are then
 * judged on what the request itself shows (a URL's extension), the message records a
 * `media_unprobed` degradation naming why, and where the provider needs a fact in the request
 * itself the channel degrades as it would without one (Viber sends a link) or refuses naming the
 * field to give (LINE's audio duration). The provider's own refusal of anything left unchecked
 * ends the message `failed` with the provider's reason, as for any permanent refusal.
 */

import type { ProbeMedia } from '../../../lib/media-probe.ts';
import { channelOptions } from '../../prepare-send.ts';
import type { Degradation, LinkedMedia, MediaLink } from '../../vocabulary/channel.ts';
import type { CanonicalMessage } from '../../vocabulary/message.ts';
import {
  change,
  PASS,
  type RequestUnderCheck,
  type RuleChannel,
  refuse,
  type SendRule,
  type Verdict,
} from './rule.ts';

export interface LinkedMediaPort {
  /** Omitted: nothing is probed, and every linked media rule is judged as for an unreachable URL. */
  probeMedia?: ProbeMedia | undefined;
}

export const linkedMedia: SendRule<RequestUnderCheck, LinkedMediaPort> = {
  name: 'linked-media',
  check: ({ send, channel, port }) => {
    const options = channelOptions(channel, send.options);
    const links = channel.linkedMedia?.links(send.message, options) ?? [];
    // Most sends link nothing the channel judges: they pass without a turn.
    return links.length === 0 ? PASS : probeAndCheck(channel, send.message, options, links, port.probeMedia);
  },
};

async function probeAndCheck(
  channel: RuleChannel,
  message: CanonicalMessage,
  options: Record<string, unknown> | undefined,
  links: MediaLink[],
  probe: ProbeMedia | undefined,
): Promise<Verdict> {
  const results = await Promise.all(
    links.map((link) =>
      probe
        ? probe(link.url, { duration: link.duration === true })
        : Promise.resolve({ ok: false as const, reason: 'media probing is turned off' }),
    ),
  );
  const media: LinkedMedia = {};
  const notes: Degradation[] = [];
  links.forEach((link, i) => {
    const result = results[i];
    if (result?.ok) {
      media[link.pointer] = { facts: result.facts };
      return;
    }
    const reason = result?.reason ?? 'not probed';
    media[link.pointer] = { unavailable: reason };
    notes.push({
      pointer: link.pointer,
      from: `${channel.displayName}'s limits on the linked media checked before accepting`,
      to: `accepted unchecked, the provider decides: the gateway could not probe it (${reason})`,
      rule: 'media_unprobed',
    });
  });
  const issues = channel.linkedMedia?.check(message, media, options) ?? [];
  return issues.length > 0 ? refuse(issues, 'GW_CAPABILITY') : change({ media: { media, notes } });
}
