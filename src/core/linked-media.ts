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

import type { ProbeMedia } from '../lib/media-probe.ts';
import type { ChannelConnector } from './ports/channel.ts';
import { channelOptions, type SendContent } from './prepare-send.ts';
import type { Degradation, LinkedMedia } from './vocabulary/channel.ts';
import { validationError } from './vocabulary/errors.ts';
import type { CanonicalMessage } from './vocabulary/message.ts';

export interface LinkedMediaDeps {
  /** Omitted: nothing is probed, and every linked media rule is judged as for an unreachable URL. */
  probeMedia?: ProbeMedia | undefined;
  /** A preview image for videos on channels that need one (OMNIGATE_VIDEO_PREVIEW_URL). */
  videoPreviewUrl?: string | undefined;
}

export interface ProbedMedia {
  media: LinkedMedia;
  /** One `media_unprobed` per URL that could not be probed, for every recipient's record. */
  degradations: Degradation[];
}

/**
 * A video without a preview image on a channel that needs one gets the configured placeholder,
 * recorded as a degradation; without a placeholder the channel's own check refuses it.
 */
export function withVideoPreview(
  connector: ChannelConnector,
  message: CanonicalMessage,
  placeholder: string | undefined,
): { message: CanonicalMessage; degradation?: Degradation } {
  if (
    !connector.linkedMedia?.videoPreview ||
    placeholder === undefined ||
    message.type !== 'media' ||
    message.mediaType !== 'video' ||
    message.previewUrl !== undefined
  ) {
    return { message };
  }
  return {
    message: { ...message, previewUrl: placeholder },
    degradation: {
      pointer: '/message/previewUrl',
      from: 'no preview image',
      to: `the gateway's placeholder preview (${placeholder})`,
      rule: 'video_preview_placeholder',
    },
  };
}

/** Probes the message's linked media and throws the channel's refusals as a 422. */
export async function probeLinkedMedia(
  connector: ChannelConnector,
  content: Pick<SendContent, 'message' | 'options'>,
  probe: ProbeMedia | undefined,
): Promise<ProbedMedia> {
  const rules = connector.linkedMedia;
  const options = channelOptions(connector, content.options);
  const links = rules?.links(content.message, options) ?? [];
  if (!rules || links.length === 0) return { media: {}, degradations: [] };
  const media: LinkedMedia = {};
  const degradations: Degradation[] = [];
  const results = await Promise.all(
    links.map((link) =>
      probe
        ? probe(link.url, { duration: link.duration === true })
        : Promise.resolve({ ok: false as const, reason: 'media probing is turned off' }),
    ),
  );
  links.forEach((link, i) => {
    const result = results[i];
    if (result?.ok) {
      media[link.pointer] = { facts: result.facts };
      return;
    }
    const reason = result?.reason ?? 'not probed';
    media[link.pointer] = { unavailable: reason };
    degradations.push({
      pointer: link.pointer,
      from: `${connector.displayName}'s limits on the linked media checked before accepting`,
      to: `accepted unchecked, the provider decides: the gateway could not probe it (${reason})`,
      rule: 'media_unprobed',
    });
  });
  const issues = rules.check(content.message, media, options);
  if (issues.length > 0) throw validationError(issues, 'GW_CAPABILITY');
  return { media, degradations };
}
