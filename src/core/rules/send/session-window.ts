/**
 * The channel's customer-service window (WhatsApp, Messenger 24 h; WeChat 48 h): a free-form
 * message to someone whose last message here is older than that is refused before it is queued,
 * as the provider would refuse it. Without a record of the person writing in, the provider decides.
 */
import type { ConversationRepository } from '../../ports/store.ts';
import { channelOptions, recipientPointer } from '../../prepare-send.ts';
import type { FieldIssue } from '../../vocabulary/channel.ts';
import { PASS, type RuleContext, refuse, type SendRule, type SendUnderCheck, type Verdict } from './rule.ts';

export interface SessionWindowPort {
  conversations: Pick<ConversationRepository, 'lastInbound'>;
}

export const sessionWindow: SendRule<SendUnderCheck, SessionWindowPort> = {
  name: 'session-window',
  check: (context) => {
    const { send, channel } = context;
    const window = channel.sessionWindow;
    if (!window || window.allowedOutside(send.message, channelOptions(channel, send.options))) return PASS;
    return outsideWindow(context, window.hours, window.outside);
  },
};

async function outsideWindow(
  { send, channel, port, now }: RuleContext<SendUnderCheck, SessionWindowPort>,
  hours: number,
  outside: string,
): Promise<Verdict> {
  const last = await port.conversations.lastInbound(send.tenantId, send.accountId, send.recipients);
  if (last.size === 0) return PASS;
  const opensAfter = now().getTime() - hours * 3_600_000;
  const issues: FieldIssue[] = [];
  send.recipients.forEach((address, i) => {
    const at = last.get(address);
    if (at === undefined || Date.parse(at) >= opensAfter) return;
    issues.push({
      pointer: recipientPointer(send.to, i),
      rule: 'session_window',
      detail: `the person last wrote at ${at}; outside ${channel.displayName}'s ${hours}-hour window ${outside} may be sent`,
    });
  });
  return issues.length > 0 ? refuse(issues, 'GW_SESSION_WINDOW') : PASS;
}
