/**
 * A channel's limits object with its notes, as the table docs/limits.md is generated from
 * (`npm run docs`). The words (unit, enforcement, note) are the core's (core/vocabulary/limits.ts),
 * since the connector port carries the tables; they are re-exported here for the channels. A notes
 * record is typed by its limits object (`LimitNotes<typeof LINE_LIMITS>`), so a limit without a
 * note, or a note without a limit, fails typecheck.
 */
import type { LimitNotes, LimitTable } from '../../core/vocabulary/limits.ts';

export type {
  LimitEnforcement,
  LimitNote,
  LimitNotes,
  LimitTable,
  LimitUnit,
} from '../../core/vocabulary/limits.ts';

export function limitTable<T extends Readonly<Record<string, number>>>(
  name: string,
  file: string,
  values: T,
  notes: LimitNotes<T>,
  except: readonly (keyof T & string)[] = [],
): LimitTable {
  return { name, file, values, notes, ...(except.length > 0 ? { except } : {}) };
}
