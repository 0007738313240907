/**
 * Cards as a Viber `rich_media` message: a grid of ButtonsGroupColumns × ButtonsGroupRows cells
 * per card (≤ 6 × 7), cards following each other in one `Buttons` array (a new card starts when
 * the rows add up to ButtonsGroupRows), 1-6 cards. Each card here is full-width cells stacked: an
 * image (3 rows), a text cell (title in bold, badge in its colour, text), then one row per action.
 * Every card must fill the same number of rows, so a shorter card's text cell grows (or an empty
 * cell fills it).
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { Action } from '../../core/vocabulary/message.ts';
import { utf16Length } from '../../lib/text.ts';
import { VIBER_LIMITS } from './limits.ts';
import { escapeViberHtml, type ViberButton, viberAction } from './render-actions.ts';

export interface CardInput {
  pointer: string;
  imageUrl?: string;
  title?: string;
  text?: string;
  badge?: { text: string; color?: string };
  buttonColor?: string;
  defaultAction?: Action;
  actions: Array<{ pointer: string; action: Action }>;
}

export const IMAGE_ROWS = 3;
const TEXT_ROWS = 2;

/** Rows a card needs at least: its image, one text row if it has text, one row per action. */
export function minimumRows(card: CardInput): number {
  return (card.imageUrl ? IMAGE_ROWS : 0) + (hasText(card) ? 1 : 0) + card.actions.length;
}

const hasText = (card: CardInput) =>
  card.title !== undefined || card.text !== undefined || card.badge !== undefined;

export function richMedia(cards: CardInput[], d: Degradation[]): Record<string, unknown> {
  const ideal = Math.max(
    1,
    ...cards.map((c) => (c.imageUrl ? IMAGE_ROWS : 0) + (hasText(c) ? TEXT_ROWS : 0) + c.actions.length),
  );
  const rows = Math.min(VIBER_LIMITS.gridRows, ideal);
  return {
    Type: 'rich_media',
    ButtonsGroupColumns: VIBER_LIMITS.gridColumns,
    ButtonsGroupRows: rows,
    BgColor: '#FFFFFF',
    Buttons: cards.flatMap((card) => cardCells(card, rows, d)),
  };
}

function cardCells(card: CardInput, rows: number, d: Degradation[]): ViberButton[] {
  const cells: ViberButton[] = [];
  const tap = card.defaultAction
    ? viberAction(card.defaultAction, `${card.pointer}/defaultAction`, card.defaultAction.title, d)
    : undefined;
  // A cell without an action still needs an ActionBody; `none` makes the tap do nothing.
  const still = { ActionType: 'none' as const, ActionBody: 'none' };
  const target = tap ? { ActionType: tap.ActionType, ActionBody: tap.ActionBody } : still;
  if (card.imageUrl) {
    cells.push({ Columns: 6, Rows: IMAGE_ROWS, ...target, Image: card.imageUrl });
  }
  const free = rows - (card.imageUrl ? IMAGE_ROWS : 0) - card.actions.length;
  if (hasText(card)) {
    cells.push({
      Columns: 6,
      Rows: Math.max(1, free),
      ...target,
      Text: cellText(card, d),
      TextSize: 'regular',
      TextVAlign: 'middle',
      TextHAlign: 'left',
    });
  } else if (free > 0) {
    cells.push({ Columns: 6, Rows: free, ...still });
  }
  for (const { pointer, action } of card.actions) {
    cells.push({
      Columns: 6,
      Rows: 1,
      ...viberAction(action, pointer, action.title, d),
      ...(card.buttonColor ? { BgColor: card.buttonColor } : {}),
      TextSize: 'regular',
      TextVAlign: 'middle',
      TextHAlign: 'center',
    });
  }
  return cells;
}

/**
 * Title in bold, the badge in its colour, the text below. Viber crops a cell past 250 characters
 * with "..."; the text is cut here first so the cut is ours, visible and recorded.
 */
function cellText(card: CardInput, d: Degradation[]): string {
  const head: string[] = [];
  if (card.title !== undefined) head.push(`<b>${escapeViberHtml(card.title)}</b>`);
  if (card.badge !== undefined) {
    const colour = card.badge.color ?? '#7360F2';
    head.push(`<font color="${colour}">${escapeViberHtml(card.badge.text)}</font>`);
    d.push({
      pointer: `${card.pointer}/badge`,
      from: 'badge',
      to: 'coloured text after the title',
      rule: 'viber_badge_as_text',
    });
  }
  const visibleHead = [card.title, card.badge?.text].filter((s) => s !== undefined).join(' ');
  let text = card.text;
  if (text !== undefined) {
    const room = VIBER_LIMITS.cellText - utf16Length(visibleHead) - (visibleHead ? 1 : 0);
    if (utf16Length(text) > room) {
      // Cut on a code point boundary: half an emoji would be an invalid string.
      text = `${text.slice(0, Math.max(0, room - 1)).replace(/[\uD800-\uDBFF]$/, '')}…`;
      d.push({
        pointer: `${card.pointer}/text`,
        from: 'text longer than a card cell shows',
        to: `first ${room} characters with "…" (Viber crops cell text at ${VIBER_LIMITS.cellText})`,
        rule: 'viber_cell_text_cropped',
      });
    }
  }
  // Cell text is HTML: line breaks are <br>, as in Viber's own examples.
  const body = text !== undefined ? escapeViberHtml(text).replace(/\r?\n/g, '<br>') : '';
  return [head.join(' '), body].filter((p) => p !== '').join('<br>');
}
