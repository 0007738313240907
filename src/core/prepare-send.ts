/**
 * What a send and a preview share: every check that can refuse a request before anything is
 * stored, and the rendering of the provider request for each recipient. Pure: no store, no I/O.
 */

import { newUuid } from '../lib/ids.ts';
import type { ChannelConnector } from './ports/channel.ts';
import { checkCanonicalMessage } from './rules/send/canonical-message.ts';
import type { FieldIssue, LinkedMedia, NumberedChoice, RenderResult } from './vocabulary/channel.ts';
import { validationError } from './vocabulary/errors.ts';
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
  connector: ChannelConnector,
  options: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  return options?.[connector.name] as Record<string, unknown> | undefined;
}

/** Why the channel refuses this kind of message, as a field issue; undefined if it carries it. */
export function capabilityRefusal(
  connector: ChannelConnector,
  message: CanonicalMessage,
): FieldIssue | undefined {
  const capability = connector.capabilities[message.type];
  if (capability.support !== 'refused') return undefined;
  return {
    pointer: '/message/type',
    rule: 'channel_capability',
    detail: `${connector.displayName} cannot carry a ${message.type} message: ${capability.reason}`,
  };
}

/**
 * Returns the request's own problems (canonical rules, recipients, expiry), reported together as
 * a 400. What the request asks is well formed but the channel cannot carry (the kind, or any of
 * the provider's documented limits) throws GW_CAPABILITY, a 422: one status and one problem type
 * for every refusal a provider would otherwise make after the send was accepted.
 */
export function checkForChannel(
  connector: ChannelConnector,
  content: SendContent,
  now: Date,
  { recipients = true }: { recipients?: boolean } = {},
): FieldIssue[] {
  const refusal = capabilityRefusal(connector, content.message);
  if (refusal) throw validationError([refusal], 'GW_CAPABILITY');

  const issues: FieldIssue[] = checkCanonicalMessage(content.message);
  if (recipients) {
    recipientsOf(content).forEach((to, i) => {
      const problem = connector.checkRecipient(to);
      if (problem) {
        issues.push({
          pointer: recipientPointer(content.to, i),
          rule: 'recipient',
          detail: problem,
        });
      }
    });
  }
  if (content.expiresAt && Number.isNaN(Date.parse(content.expiresAt))) {
    // RFC 3339 allows a leap second (…T23:59:60Z) that JavaScript dates cannot represent.
    issues.push({
      pointer: '/expiresAt',
      rule: 'format',
      detail: 'is not an instant this server can represent',
    });
  } else if (content.expiresAt && Date.parse(content.expiresAt) <= now.getTime()) {
    issues.push({
      pointer: '/expiresAt',
      rule: 'future',
      detail: 'is already past; the message would never be sent',
    });
  }
  // Channel limits read fields the canonical rules would find missing, so they wait for those.
  if (issues.length > 0) return issues;
  const refused = connector.check(content.message, channelOptions(connector, content.options));
  if (refused.length > 0) throw validationError(refused, 'GW_CAPABILITY');
  return issues;
}

/**
 * The provider request for each recipient, as it will be stored and sent (secrets apart), with
 * what was found at the media the message links to (linked-media.ts).
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
