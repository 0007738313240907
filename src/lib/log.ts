/**
 * Structured logging with pino. Secrets never reach a log line: the redact list covers the fields
 * that hold a credential or key, and every line is scrubbed of secrets carried in URLs
 * (lib/redact-secrets.ts).
 */
import { type Logger as PinoLogger, pino } from 'pino';
import { redactSecrets } from './redact-secrets.ts';

export type Logger = PinoLogger;

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-line-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'credentials',
  '*.credentials',
  'apiKey',
];

/** `destination`: where lines go instead of stdout (tests read them). */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: { write(line: string): void },
): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Paths name fields; a token can sit inside any URL or error message, whichever field holds
    // it (the request line, an error's message, stack or `input`), so every line is scrubbed
    // once more as written.
    hooks: { streamWrite: redactSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}
