/**
 * `reply_id`, the message this one answers, as the channel's own reply option where it has one:
 * WhatsApp quotes a wamid (`context.message_id`), Telegram replies to a message number of the chat
 * (`reply_parameters.message_id`). LINE and Messenger sends have no such option in Omnigate (LINE's
 * quote token is not carried), so there `reply_id` is accepted and the message goes unquoted.
 *
 * `reply_token` ("token for Telegram replies only") has nothing to become: the Bot API has no reply
 * token. The nearest thing, a button tap's callback query id, is answered with its own call
 * (answerCallbackQuery), which one message cannot also be; it is accepted and not used.
 */
import type { KonnekIssue } from './errors.ts';

/** Omnigate stores a Telegram message id as `<chat id>:<message id>`; a bare number is the message. */
const TELEGRAM_MESSAGE_ID = /^(?:-?[0-9]+:)?([1-9][0-9]{0,15})$/;

export function replyOptions(
  channel: string,
  replyId: string | undefined,
): { options?: Record<string, unknown> } | { issue: KonnekIssue } {
  if (replyId === undefined || replyId === '') return {};
  switch (channel) {
    case 'whatsapp':
      if (!replyId.startsWith('wamid.')) {
        return {
          issue: { field: 'reply_id', detail: 'must be a WhatsApp message id (wamid.…) on WhatsApp' },
        };
      }
      return { options: { whatsapp: { replyTo: replyId } } };
    case 'telegram': {
      const number = TELEGRAM_MESSAGE_ID.exec(replyId)?.[1];
      if (number === undefined || !Number.isSafeInteger(Number(number))) {
        return {
          issue: {
            field: 'reply_id',
            detail:
              'must be a Telegram message id of the chat (a number, or <chat id>:<number> as Omnigate stores it)',
          },
        };
      }
      return { options: { telegram: { replyToMessageId: Number(number) } } };
    }
    default:
      return {};
  }
}
