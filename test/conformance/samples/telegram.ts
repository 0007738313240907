/** Telegram's samples for the connector conformance suite (test/conformance/connector.ts). */
import { telegramEmulator, telegramValidator } from '../../../src/channels/telegram/emulator/index.ts';
import { applyMarkup } from '../../../src/channels/telegram/emulator/markup.ts';
import { TelegramSandboxState } from '../../../src/channels/telegram/emulator/state.ts';
import { buildUpdate } from '../../../src/channels/telegram/emulator/webhook.ts';
import { SECRET_HEADER } from '../../../src/channels/telegram/provider/webhook.ts';
import { isObj } from '../../../src/lib/json.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

const recipient = SANDBOX_RECIPIENTS['telegram']!;
const telegramError = (status: number, description: string, parameters?: Record<string, unknown>) =>
  answer(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });

export const telegramSamples: ConnectorSamples = {
  recipient,
  spec: {
    name: 'Bot API api.json',
    problems({ path, body }) {
      const validator = telegramValidator();
      const method = validator.method(path.split('/').at(-1) ?? '');
      if (method === undefined) return [`no Bot API method at ${path}`];
      if (!isObj(body)) return ['the parameters are not an object'];
      // Telegram parses the markup before it counts, as the emulator does.
      const markup = applyMarkup(
        body,
        (method.fields ?? []).some((f) => f.name === 'parse_mode'),
      );
      if ('error' in markup) return [markup.error];
      const problem = validator.validate(method, markup.params);
      return problem === undefined ? [] : [problem];
    },
  },
  answers: {
    success: {
      response: answer(200, { ok: true, result: { message_id: 17, date: 1, chat: { id: 100001 } } }),
      outcome: { kind: 'sent', providerMessageId: '100001:17' },
    },
    throttled: {
      response: telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }),
      outcome: { kind: 'rate_limited', retryAfterMs: 7000 },
    },
    transient: {
      response: telegramError(500, 'Internal Server Error'),
      outcome: { kind: 'transient' },
    },
    permanent: {
      response: telegramError(403, 'Forbidden: bot was blocked by the user'),
      outcome: { kind: 'permanent', code: 'telegram_403' },
    },
  },
  inbound: {
    body: JSON.stringify(
      buildUpdate(
        { chatId: Number(recipient(1)), text: 'hello' },
        new TelegramSandboxState(),
        telegramEmulator.credentials['botToken'] ?? '',
      ),
    ),
    sign: (_raw, credentials) => signedBy(SECRET_HEADER, credentials['secretToken'] ?? ''),
    signsBody: { because: 'Telegram echoes a shared secret token in a header and signs nothing' },
  },
  refused: {
    name: 'callback_data over 64 bytes',
    request: {
      method: 'POST',
      path: '/bot{token}/sendMessage',
      body: {
        chat_id: recipient(2),
        text: 'x',
        reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'é'.repeat(32) + 'a' }]] },
      },
    },
  },
  receipts: false,
};
