/**
 * Fitting long content into LINE's size limits instead of sending it oversized: rows spread over
 * several Flex bubbles of at most 30 KB each, bubbles over several carousels of at most 50 KB, text
 * over several messages of at most 5000 UTF-16 units. Each caller decides what to do when even that
 * needs more than the five messages one request carries.
 */

import type { FieldIssue, NumberedChoice } from '../../core/vocabulary/channel.ts';
import { utf16Length } from '../../lib/text.ts';
import { flexJsonBytes, LINE_LIMITS as L } from './limits.ts';
import type { LineObject } from './render-actions.ts';
import type { Rendered } from './render-basic.ts';

/** A rendering, with the numbered choices of a list sent as text. */
export interface Fitted extends Rendered {
  choices?: NumberedChoice[];
}

/**
 * A rendering that may fit LINE in no form at all. `check` turns the refusal into a 422 before
 * anything is stored, so `render` only ever meets the fitted branch.
 */
export type Planned = Fitted | { refusal: FieldIssue };

/** The rendering of a plan `check` has passed. */
export function fitted(plan: Planned): Fitted {
  if ('refusal' in plan) throw new Error(`LINE cannot carry this message: ${plan.refusal.detail}`);
  return plan;
}

export interface BubblePart {
  first: boolean;
  last: boolean;
}

/**
 * Groups consecutive items so that each group's sizes, each plus the comma that joins it to the
 * array it lands in, fit `room(groupIndex)` bytes; undefined when one item alone does not fit.
 */
export function groupBySize(
  sizes: readonly number[],
  room: (group: number) => number,
  maxPerGroup = Number.POSITIVE_INFINITY,
): number[][] | undefined {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = 0;
  for (const [i, bytes] of sizes.entries()) {
    const size = bytes + 1;
    if (current.length > 0 && (used + size > room(groups.length) || current.length >= maxPerGroup)) {
      groups.push(current);
      current = [];
      used = 0;
    }
    if (size > room(groups.length)) return undefined;
    current.push(i);
    used += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Spreads rows (each a run of components that belong together) over as many bubbles as LINE's
 * 30 KB per bubble needs. `bubble` builds one bubble around its rows, placed in an array that is
 * never empty (so every row adds its bytes plus a comma). Every group is sized as if it were the
 * last, footer included, so a bubble never outgrows its measure. Undefined when a row cannot fit.
 */
export function splitIntoBubbles(
  rows: readonly LineObject[][],
  bubble: (rows: LineObject[], part: BubblePart) => LineObject,
): LineObject[] | undefined {
  const sizes = rows.map((components) =>
    components.reduce((sum, c, i) => sum + flexJsonBytes(c) + (i > 0 ? 1 : 0), 0),
  );
  const room = (group: number) =>
    L.flexBubbleBytes - flexJsonBytes(bubble([], { first: group === 0, last: true }));
  const groups = groupBySize(sizes, room);
  if (groups === undefined) return undefined;
  const bubbles = groups.map((indexes, g) =>
    bubble(
      indexes.flatMap((i) => rows[i] ?? []),
      { first: g === 0, last: g === groups.length - 1 },
    ),
  );
  // The arithmetic above is exact; measuring again costs little and keeps a mistake from reaching LINE.
  return bubbles.every((b) => flexJsonBytes(b) <= L.flexBubbleBytes) ? bubbles : undefined;
}

/** Bubbles as carousels of at most 12 bubbles and 50 KB each, in order. */
export function splitIntoCarousels(bubbles: readonly LineObject[]): LineObject[] | undefined {
  const carousel = (contents: LineObject[]): LineObject => ({ type: 'carousel', contents });
  const room = L.flexCarouselBytes - flexJsonBytes(carousel([]));
  const groups = groupBySize(bubbles.map(flexJsonBytes), () => room, L.flexCarouselBubbles);
  return groups?.map((indexes) => carousel(bubbles.filter((_, i) => indexes.includes(i))));
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text cut into pieces of at most `max` UTF-16 units, at line breaks where it can and otherwise at a
 * grapheme boundary, so an emoji is never split.
 */
export function chunkText(text: string, max: number = L.text): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') chunks.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const joined = current === '' ? line : `${current}\n${line}`;
    if (utf16Length(joined) <= max) {
      current = joined;
      continue;
    }
    flush();
    if (utf16Length(line) <= max) {
      current = line;
      continue;
    }
    for (const { segment } of segmenter.segment(line)) {
      if (utf16Length(current) + utf16Length(segment) > max) flush();
      current += segment;
    }
  }
  flush();
  return chunks;
}
