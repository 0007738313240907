/**
 * Structured logging with pino. Secrets never reach a log line: the redact list covers every place
 * a credential or key can sit in what we log.
 */
import { type Logger as PinoLogger, pino } from 'pino';

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
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
