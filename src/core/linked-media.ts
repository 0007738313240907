/**
 * What a send does with media before its rules: a video without a preview image, on a channel
 * that needs one (LINE), gets the configured placeholder. The probe of linked media and the
 * channel's rules on it are the `linked-media` send rule (rules/send/linked-media.ts).
 */

import type { ProbeMedia } from '../lib/media-probe.ts';
import type { ChannelConnector } from './ports/channel.ts';
import type { Degradation } from './vocabulary/channel.ts';
import type { CanonicalMessage } from './vocabulary/message.ts';

export interface LinkedMediaDeps {
  /** Omitted: nothing is probed, and every linked media rule is judged as for an unreachable URL. */
  probeMedia?: ProbeMedia | undefined;
  /** A preview image for videos on channels that need one (OMNIGATE_VIDEO_PREVIEW_URL). */
  videoPreviewUrl?: string | undefined;
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
