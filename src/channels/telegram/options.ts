/**
 * What a Telegram channel account holds, what a send request may add under `options.telegram`, and
 * the fixed credentials of the built-in sandbox bot.
 */
import { type Static, Type } from '@sinclair/typebox';
import { StringEnum } from '../../core/vocabulary/message.ts';

export const TelegramCredentials = Type.Object(
  {
    botToken: Type.String({
      pattern: '^[0-9]+:[A-Za-z0-9_-]{30,}$',
      description: 'Bot token from @BotFather, `<bot id>:<secret>`.',
    }),
    secretToken: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        'The `secret_token` given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token.',
    }),
  },
  { additionalProperties: false },
);
export type TelegramCredentials = Static<typeof TelegramCredentials>;

export const PARSE_MODES = ['MarkdownV2', 'HTML'] as const;
export type ParseMode = (typeof PARSE_MODES)[number];

export const TelegramOptions = Type.Object(
  {
    parseMode: Type.Optional(
      StringEnum(
        [...PARSE_MODES],
        'Telegram parses `text` and `caption` fields as this markup; every other canonical field is escaped. Lengths are counted as Telegram counts them, on the text left once the markup is parsed, and markup Telegram cannot parse is refused (422).',
      ),
    ),
    replyToMessageId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Send as a reply to this message of the same chat.' }),
    ),
    disableNotification: Type.Optional(Type.Boolean({ description: 'Deliver without sound.' })),
  },
  { additionalProperties: false },
);
export type TelegramOptions = Static<typeof TelegramOptions>;

/**
 * Not secrets: the emulator accepts exactly these and nothing else. The token's prefix is the bot's
 * own user id; it must differ from the sandbox chat ids tests and docs send to (123456789), or the
 * bot would be talking to itself.
 */
export const TELEGRAM_SANDBOX_CREDENTIALS = {
  botToken: '7000000001:SANDBOXsandboxSANDBOXsandboxSANDBOX0',
  secretToken: 'sandbox-telegram-secret',
} as const satisfies TelegramCredentials;
