/**
 * A logger configured exactly as production's (createLogger: same redaction), writing its lines to
 * memory, so tests can assert on what an operator's log would hold.
 */
import { createLogger, type Logger } from '../../src/lib/log.ts';

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, as raw JSON text. */
  readonly text: string;
  /** The parsed lines. */
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(level = 'info'): CapturedLog {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (line: string) => raw.push(line) });
  return {
    logger,
    get text() {
      return raw.join('');
    },
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
