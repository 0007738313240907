/**
 * Telegram Bot API connector. See README.md in this folder for Telegram's quirks and the choices
 * made for what Telegram cannot show.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { TELEGRAM_CAPABILITIES } from './capabilities.ts';
import { checkTelegramMessage, checkTelegramRecipient } from './check.ts';
import { classifyTelegramResponse } from './classify.ts';
import { parseTelegramUpdate, verifyTelegramSecret } from './inbound.ts';
import { TELEGRAM_LIMIT_NOTES, TELEGRAM_LIMITS } from './limits.ts';
import { TELEGRAM_SANDBOX_CREDENTIALS, TelegramCredentials, TelegramOptions } from './options.ts';
import { TELEGRAM_URL_LIMIT_NOTES, TELEGRAM_URL_LIMITS, telegramLinkedMedia } from './provider/url-media.ts';
import { renderTelegram } from './render.ts';

export const telegramConnector: ChannelConnector = {
  name: 'telegram',
  displayName: 'Telegram',
  defaultBaseUrl: 'https://api.telegram.org',
  // Bots FAQ: about 30 messages per second in bulk (and ~1/s per chat, bursts tolerated).
  rateLimit: { perSecond: 30, burst: 30 },
  // Telegram has no idempotency key: a resent request is a second message.
  // Telegram's FAQ: about one message per second to a chat, short bursts tolerated (three is ours).
  recipientRateLimit: { perSecond: 1, burst: 3 },
  maybeSentPolicy: 'resend_once',
  capabilities: TELEGRAM_CAPABILITIES,
  limits: [
    limitTable('TELEGRAM_LIMITS', 'src/channels/telegram/limits.ts', TELEGRAM_LIMITS, TELEGRAM_LIMIT_NOTES),
    limitTable(
      'TELEGRAM_URL_LIMITS',
      'src/channels/telegram/provider/url-media.ts',
      TELEGRAM_URL_LIMITS,
      TELEGRAM_URL_LIMIT_NOTES,
    ),
  ],
  credentialsSchema: TelegramCredentials,
  sandboxCredentials: TELEGRAM_SANDBOX_CREDENTIALS,
  optionsSchema: TelegramOptions,
  checkRecipient: checkTelegramRecipient,
  check: checkTelegramMessage,
  linkedMedia: telegramLinkedMedia,
  render: renderTelegram,
  authorize(request, credentials) {
    // The token lives in the path; nothing secret was rendered, and no auth header is needed.
    return {
      path: request.path.replace('{token}', credentials['botToken'] ?? ''),
      headers: { ...request.headers },
    };
  },
  classify: classifyTelegramResponse,
  verifyInbound: verifyTelegramSecret,
  parseInbound: parseTelegramUpdate,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { telegramEmulator } from './emulator/index.ts';
