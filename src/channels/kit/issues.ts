/**
 * The field issues a channel's `check` collects before anything is stored, each with a pointer
 * into the caller's body. Lengths and counts are phrased one way for every channel ("WhatsApp
 * allows at most 20 characters here; this has 24"); what only one channel has (LINE's media URLs,
 * Telegram's markup) stays beside that channel's check and adds to the same list.
 */
import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { codePointLength, graphemeLength, utf8Length, utf16Length } from '../../lib/text.ts';

/** How a limit counts text, and the words its issue names that count in. */
export interface TextMeasure {
  readonly count: (text: string) => number;
  readonly unit: string;
  readonly rule: 'maxLength' | 'maxBytes';
}

export const MEASURES = {
  characters: { count: codePointLength, unit: 'characters', rule: 'maxLength' },
  graphemes: { count: graphemeLength, unit: 'characters', rule: 'maxLength' },
  utf16: { count: utf16Length, unit: 'UTF-16 code units', rule: 'maxLength' },
  utf8: { count: utf8Length, unit: 'UTF-8 bytes', rule: 'maxBytes' },
} as const satisfies Record<string, TextMeasure>;

type MeasureName = keyof typeof MEASURES;

/** Collects issues; every helper is a no-op when the value is absent. */
export class Issues {
  readonly list: FieldIssue[] = [];

  /**
   * `channel`: the name the issues give the provider. `measure`: how text is counted where a
   * check does not say.
   */
  constructor(
    readonly channel: string,
    private readonly measure: TextMeasure = MEASURES.characters,
  ) {}

  add(pointer: string, rule: string, detail: string): void {
    this.list.push({ pointer, rule, detail });
  }

  /** `where` ends the sentence's first half: "here", "in a caption". */
  maxLength(
    pointer: string,
    value: unknown,
    max: number,
    measure: TextMeasure | MeasureName = this.measure,
    where = 'here',
  ): void {
    if (typeof value !== 'string') return;
    const m = typeof measure === 'string' ? MEASURES[measure] : measure;
    const n = m.count(value);
    if (n > max) {
      this.add(pointer, m.rule, `${this.channel} allows at most ${max} ${m.unit} ${where}; this has ${n}`);
    }
  }

  /** `items`: the items themselves or how many there are. */
  maxItems(pointer: string, items: readonly unknown[] | number | undefined, max: number, what: string): void {
    const n = typeof items === 'number' ? items : items?.length;
    if (n !== undefined && n > max) {
      this.add(pointer, 'maxItems', `${this.channel} allows at most ${max} ${what}; this has ${n}`);
    }
  }

  required(pointer: string, present: boolean, detail: string): void {
    if (!present) this.add(pointer, 'required', detail);
  }

  /** Each repeat is an issue at its own index below `pointer`. */
  unique(pointer: string, values: readonly string[], what: string): void {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v))
        this.add(`${pointer}/${i}`, 'unique', `${this.channel} needs every ${what} to be different`);
      seen.add(v);
    });
  }
}
