/**
 * POST /v1/messages/preview: what a send would put on the wire, per channel, without storing or
 * sending anything. It runs exactly the checks and renderers a send runs (prepare-send.ts).
 */
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { ChannelConnector, Degradation, FieldIssue } from '../channels/types.ts';
import { AppError, validationError } from './errors.ts';
import { type LinkedMediaDeps, probeLinkedMedia, withVideoPreview } from './linked-media.ts';
import {
  capabilityRefusal,
  checkForChannel,
  type RenderedRecipient,
  renderForRecipients,
  type SendContent,
} from './prepare-send.ts';

/** Stands in for the recipient when the preview names none. */
export const PLACEHOLDER_RECIPIENT = '{recipient}';

export type PreviewContent = Omit<SendContent, 'channel' | 'to'> & {
  channel?: string | undefined;
  to?: string | string[] | undefined;
};

export interface ChannelPreview {
  channel: string;
  support: 'native' | 'degraded' | 'refused' | 'invalid';
  reason?: string;
  errors?: FieldIssue[];
  recipients: RenderedRecipient[];
}

/**
 * One channel: answered like a send would be (a refusal is the same 4xx). Every channel: each
 * channel's verdict side by side, refusals included, so the answer is a comparison table.
 */
export async function previewMessage(
  connectors: ConnectorRegistry,
  content: PreviewContent,
  now: Date,
  media: LinkedMediaDeps = {},
): Promise<ChannelPreview[]> {
  if (content.channel !== undefined) {
    const connector = connectors[content.channel];
    if (!connector) throw new AppError('GW_CHANNEL_UNKNOWN', `Unknown channel '${content.channel}'`);
    // Exactly the send's checks, refusal first, so the answer is the send's own 4xx.
    const refusal = capabilityRefusal(connector, content.message);
    if (refusal) throw validationError([refusal], 'GW_CAPABILITY');
    // Channel limits throw their own 422 here, as on a send; the request's own problems are a 400.
    const errors = checkForChannel(connector, forChannelOf(connector, content, media).content, now, {
      recipients: content.to !== undefined,
    });
    if (errors.length > 0) throw validationError(errors);
    return [await previewOne(connector, content, now, media, true)];
  }
  return Promise.all(
    Object.values(connectors).map((connector) => previewOne(connector, content, now, media)),
  );
}

async function previewOne(
  connector: ChannelConnector,
  content: PreviewContent,
  now: Date,
  deps: LinkedMediaDeps,
  /** One channel asked for: its refusals are the answer, as on a send. */
  rethrow = false,
): Promise<ChannelPreview> {
  const base = { channel: connector.name, recipients: [] };
  const refusal = capabilityRefusal(connector, content.message);
  if (refusal) return { ...base, support: 'refused', reason: refusal.detail };
  const forChannel = forChannelOf(connector, content, deps);
  // A placeholder is no address; recipients are checked only when the caller gave them.
  let errors: FieldIssue[];
  let probed: Awaited<ReturnType<typeof probeLinkedMedia>> | undefined;
  try {
    errors = checkForChannel(connector, forChannel.content, now, { recipients: content.to !== undefined });
    // As a send: the linked media is probed once the request's shape has passed.
    if (errors.length === 0) probed = await probeLinkedMedia(connector, forChannel.content, deps.probeMedia);
  } catch (e) {
    if (!(e instanceof AppError) || rethrow) throw e;
    errors = e.issues;
  }
  if (errors.length > 0 || probed === undefined) return { ...base, support: 'invalid', errors };
  const notes = [...forChannel.degradations, ...probed.degradations];
  const recipients = renderForRecipients(connector, forChannel.content, probed.media).map((r) =>
    notes.length > 0 ? { ...r, degradations: [...notes, ...r.degradations] } : r,
  );
  const degraded = recipients.some((r) => r.degradations.length > 0);
  return { ...base, support: degraded ? 'degraded' : 'native', recipients };
}

/** The content as this channel would take it, with the placeholder preview a send would give. */
function forChannelOf(
  connector: ChannelConnector,
  content: PreviewContent,
  deps: LinkedMediaDeps = {},
): { content: SendContent; degradations: Degradation[] } {
  const preview = withVideoPreview(connector, content.message, deps.videoPreviewUrl);
  return {
    content: {
      ...content,
      message: preview.message,
      channel: connector.name,
      to: content.to ?? PLACEHOLDER_RECIPIENT,
    },
    degradations: preview.degradation ? [preview.degradation] : [],
  };
}
