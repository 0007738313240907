/**
 * The header in which Telegram echoes setWebhook's `secret_token` on every delivery; the connector
 * checks it and the emulator sends it.
 */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
