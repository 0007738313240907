/**
 * A reply token older than the provider accepts (LINE's reply API) is refused before queuing, or,
 * when the send allows it, dropped so the message goes as a push; the degradation says so. Its age
 * is taken when the message is held until, if quiet hours hold it. A token the gateway never
 * received (it came from elsewhere) is passed on as given. A reply that waits longer than that in
 * the queue (a long rate-limit backlog) is refused by the provider and fails with its reason.
 */
import type { InboundRepository } from '../../ports/store.ts';
import { channelOptions } from '../../prepare-send.ts';
import {
  change,
  PASS,
  type RuleChannel,
  type RuleContext,
  refuse,
  type SendRule,
  type SendUnderCheck,
  type Verdict,
} from './rule.ts';

export interface ReplyWindowPort {
  inbound: Pick<InboundRepository, 'replyTokenReceivedAt'>;
}

export const replyWindow: SendRule<SendUnderCheck, ReplyWindowPort> = {
  name: 'reply-window',
  check: (context) => {
    const { channel, send } = context;
    const window = channel.replyWindow;
    const own = channelOptions(channel, send.options);
    const token = window?.tokenOf(own);
    if (!window || !own || token === undefined) return PASS;
    return tokenAge(context, window, own, token);
  },
};

async function tokenAge(
  { send, channel, port, decided, now }: RuleContext<SendUnderCheck, ReplyWindowPort>,
  window: NonNullable<RuleChannel['replyWindow']>,
  own: Record<string, unknown>,
  token: string,
): Promise<Verdict> {
  const receivedAt = await port.inbound.replyTokenReceivedAt(send.tenantId, send.accountId, token);
  if (receivedAt === undefined) return PASS;
  // A reply held for quiet hours goes out later than now: its token must still be good then.
  const heldUntil = decided.recipients
    .map((r) => r.notBefore)
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
  const at = now().getTime();
  const sendAt = Math.max(at, heldUntil ? Date.parse(heldUntil) : at);
  const ageMs = sendAt - Date.parse(receivedAt);
  if (ageMs <= window.validForMs) return PASS;
  const when =
    sendAt > at
      ? `it would be ${Math.round(ageMs / 1000)} s old when quiet hours end at ${new Date(sendAt).toISOString()}`
      : `${Math.round(ageMs / 1000)} s ago`;
  const why = `the reply token came with an event at ${receivedAt}, ${when}; ${channel.displayName} accepts one for about ${window.validForMs / 1000} s`;
  if (!window.fallbackAllowed(own)) {
    return refuse(
      [
        {
          pointer: window.pointer,
          rule: 'reply_token_expired',
          detail: `${why}. Send without it (a push), or set replyTokenFallback: "push"`,
        },
      ],
      'GW_SESSION_WINDOW',
    );
  }
  return change({
    options: { ...send.options, [channel.name]: window.withoutToken(own) },
    note: { pointer: window.pointer, from: 'reply', to: 'push', rule: `reply_token_expired: ${why}` },
  });
}
