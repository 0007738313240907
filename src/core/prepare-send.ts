/**
 * What a send, a preview and the send rules share: the recipients of a request and their
 * pointers, a channel's own options, and the rendering of the provider request for each
 * recipient. Pure: no store, no I/O. The checks are the send rules (rules/send/).
 */

import { newUuid } from '../lib/ids.ts';
import type { ChannelConnector, ChannelIdentity } from './ports/channel.ts';
import type { LinkedMedia, NumberedChoice, RenderResult } from './vocabulary/channel.ts';
import type { CanonicalMessage } from './vocabulary/message.ts';

export interface SendContent {
  channel: string;
  to: string | string[];
  message: CanonicalMessage;
  options?: Record<string, unknown> | undefined;
  expiresAt?: string | undefined;
}

export interface RenderedRecipient {
  to: string;
  request: RenderResult['request'];
  degradations: RenderResult['degradations'];
  choices?: NumberedChoice[] | undefined;
}

export function recipientsOf(content: Pick<SendContent, 'to'>): string[] {
  return Array.isArray(content.to) ? content.to : [content.to];
}

/** The pointer of the i-th recipient: `/to/i` in a list, `/to` for a single one. */
export function recipientPointer(to: string | string[], i: number): string {
  return Array.isArray(to) ? `/to/${i}` : '/to';
}

/** This channel's own `options.<channel>` of a send, if any. */
export function channelOptions(
  connector: Pick<ChannelIdentity, 'name'>,
  options: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  return options?.[connector.name] as Record<string, unknown> | undefined;
}

/**
 * The provider request for each recipient, as it will be stored and sent (secrets apart), with
 * what was found at the media the message links to (the linked-media send rule).
 */
export function renderForRecipients(
  connector: ChannelConnector,
  content: SendContent,
  media?: LinkedMedia,
): RenderedRecipient[] {
  const options = channelOptions(connector, content.options);
  const found = media && Object.keys(media).length > 0 ? { media } : {};
  return recipientsOf(content).map((to) => {
    const { request, degradations, choices } = connector.render(content.message, {
      to,
      retryKey: newUuid(),
      ...(options ? { options } : {}),
      ...found,
    });
    return { to, request, degradations, ...(choices && choices.length > 0 ? { choices } : {}) };
  });
}
