/**
 * POST /v1/messages/preview: what a send would put on the wire, per channel, without storing or
 * sending anything. It runs exactly the checks and renderers a send runs (prepare-send.ts).
 */
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { ChannelConnector, FieldIssue } from '../channels/types.ts';
import { AppError, validationError } from './errors.ts';
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
export function previewMessage(
  connectors: ConnectorRegistry,
  content: PreviewContent,
  now: Date,
): ChannelPreview[] {
  if (content.channel !== undefined) {
    const connector = connectors[content.channel];
    if (!connector) throw new AppError('GW_CHANNEL_UNKNOWN', `Unknown channel '${content.channel}'`);
    // Exactly the send's checks, refusal first, so the answer is the send's own 4xx.
    const refusal = capabilityRefusal(connector, content.message);
    if (refusal) throw validationError([refusal], 'GW_CAPABILITY');
    // Channel limits throw their own 422 here, as on a send; the request's own problems are a 400.
    const errors = checkForChannel(connector, forChannelOf(connector, content), now, {
      recipients: content.to !== undefined,
    });
    if (errors.length > 0) throw validationError(errors);
    return [previewOne(connector, content, now)];
  }
  return Object.values(connectors).map((connector) => previewOne(connector, content, now));
}

function previewOne(connector: ChannelConnector, content: PreviewContent, now: Date): ChannelPreview {
  const base = { channel: connector.name, recipients: [] };
  const refusal = capabilityRefusal(connector, content.message);
  if (refusal) return { ...base, support: 'refused', reason: refusal.detail };
  const forChannel = forChannelOf(connector, content);
  // A placeholder is no address; recipients are checked only when the caller gave them.
  let errors: FieldIssue[];
  try {
    errors = checkForChannel(connector, forChannel, now, { recipients: content.to !== undefined });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    errors = e.issues;
  }
  if (errors.length > 0) return { ...base, support: 'invalid', errors };
  const recipients = renderForRecipients(connector, forChannel);
  const degraded = recipients.some((r) => r.degradations.length > 0);
  return { ...base, support: degraded ? 'degraded' : 'native', recipients };
}

function forChannelOf(connector: ChannelConnector, content: PreviewContent): SendContent {
  return { ...content, channel: connector.name, to: content.to ?? PLACEHOLDER_RECIPIENT };
}
