/**
 * Each recipient must be an address the channel can reach (a Telegram chat id, a WhatsApp phone
 * number): the channel says what is wrong with one, flagged at its `/to` pointer.
 */
import { recipientPointer } from '../../prepare-send.ts';
import type { FieldIssue } from '../../vocabulary/channel.ts';
import { flag, type RequestUnderCheck, type SendRule } from './rule.ts';

export const recipientAddress: SendRule<RequestUnderCheck> = {
  name: 'recipient-address',
  check: ({ send, channel }) => {
    const issues: FieldIssue[] = [];
    send.recipients.forEach((to, i) => {
      const problem = channel.checkRecipient(to);
      if (problem) issues.push({ pointer: recipientPointer(send.to, i), rule: 'recipient', detail: problem });
    });
    return flag(issues);
  },
};
