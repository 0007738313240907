/**
 * LINE's audio message requires its `duration` in milliseconds, and its video message a
 * `previewImageUrl` (Messaging API reference, https://developers.line.biz/en/reference/messaging-api/#audio-message
 * and #video-message; providers.md §1). A send that gives neither is not refused for it when the
 * gateway can supply them: the audio's duration is read from the file at the URL (an MP4/M4A's
 * `mvhd`, an MP3's frames: lib/media-duration.ts) and a video gets the configured placeholder
 * preview (OMNIGATE_VIDEO_PREVIEW_URL, core/linked-media.ts). Only when neither is possible is the
 * send refused, naming the field to give. The render takes the probed duration (render.ts).
 */
import type { ChannelPolicy } from '../../core/ports/channel.ts';
import type { FieldIssue, LinkedMedia } from '../../core/vocabulary/channel.ts';

export const lineLinkedMedia: NonNullable<ChannelPolicy['linkedMedia']> = {
  links(message) {
    if (message.type !== 'media' || message.mediaType !== 'audio') return [];
    if (message.durationMs !== undefined || message.url === undefined) return [];
    return [{ pointer: '/message/url', url: message.url, duration: true }];
  },
  check(message, media: LinkedMedia): FieldIssue[] {
    if (message.type !== 'media' || message.mediaType !== 'audio' || message.durationMs !== undefined)
      return [];
    const found = media['/message/url'];
    if (found !== undefined && 'facts' in found && found.facts.durationMs !== undefined) return [];
    const why =
      found === undefined
        ? ''
        : 'facts' in found
          ? ': the file at the URL is not one whose duration the gateway reads (MP4/M4A, MP3)'
          : `: the gateway could not read it from the URL (${found.unavailable})`;
    return [
      {
        pointer: '/message/durationMs',
        rule: 'required',
        detail: `LINE audio needs its duration; give durationMs${why}`,
      },
    ];
  },
  videoPreview: true,
};

/** The probed duration of an audio message that gave none, in milliseconds. */
export function probedDurationMs(media: LinkedMedia | undefined): number | undefined {
  const found = media?.['/message/url'];
  return found !== undefined && 'facts' in found ? found.facts.durationMs : undefined;
}
