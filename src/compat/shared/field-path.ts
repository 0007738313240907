/**
 * Naming a field the way a vendor's client knows it. Omnigate's checks point into the native send
 * command with JSON pointers (RFC 6901: `/message/cards/0/title`); Infobip, Konnek and Webex
 * Connect name fields as dotted paths with bracketed indices (`message.cards[0].title`). Which
 * native field stands for which vendor field is each façade's own business; the notation is not.
 */

import { pointerSegments } from '../../lib/json.ts';

export { pointerSegments };

/** `base` + segments in dotted form, each name through `rename`: `a`, `0`, `b` → `a[0].b`. */
export function fieldPath(
  segments: readonly string[],
  base = '',
  rename: (segment: string) => string = (s) => s,
): string {
  let out = base;
  for (const segment of segments) {
    if (/^[0-9]+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? rename(segment) : `.${rename(segment)}`;
  }
  return out;
}

/** `/message/template/actions/0/label` → `message.template.actions[0].label`. */
export const pointerToFieldPath = (pointer: string): string => fieldPath(pointerSegments(pointer));
