/**
 * Rules of the canonical message that JSON Schema cannot say cleanly and that hold on every
 * channel: media comes either by URL or by an id the provider already holds, never neither. A
 * send flags them with the request's other problems; a stored template is checked when it is filled.
 */
import type { FieldIssue } from '../../vocabulary/channel.ts';
import type { CanonicalMessage } from '../../vocabulary/message.ts';
import { flag, type RequestUnderCheck, type SendRule } from './rule.ts';

export function checkCanonicalMessage(message: CanonicalMessage): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const needsSource = (pointer: string, m: { url?: string | undefined; mediaId?: string | undefined }) => {
    if (m.url === undefined && m.mediaId === undefined) {
      issues.push({
        pointer: `${pointer}/url`,
        rule: 'required',
        detail: 'give the media as `url` or `mediaId`',
      });
    }
  };
  if (message.type === 'media') needsSource('/message', message);
  if (
    message.type === 'template' &&
    message.header &&
    message.header.type !== 'text' &&
    message.header.type !== 'location'
  ) {
    needsSource('/message/header', message.header);
  }
  return issues;
}

export const canonicalMessage: SendRule<RequestUnderCheck> = {
  name: 'canonical-message',
  check: ({ send }) => flag(checkCanonicalMessage(send.message)),
};
