/**
 * Naming a field the way a Konnek client knows it. Konnek's document names fields by their place
 * in the body (`body.list.sections`, `header.media_url`); errors here say `body.button[1].key`.
 * Omnigate's checks point into the native send command (`/message/actions/1/payload`); each
 * translation supplies the renames back to the Konnek field it built that part from.
 */
import { pointerToFieldPath } from '../shared/field-path.ts';

/** A rewrite of a native pointer into a Konnek JSON pointer; the first that matches applies. */
export type Rename = readonly [pattern: RegExp, replacement: string];

/** Pointers outside the message: the addressing, which Konnek carries in the path and `recipient`. */
const COMMAND_RENAMES: readonly Rename[] = [
  [/^\/to(\/.*)?$/, '/recipient'],
  [/^\/(from|channel)(\/.*)?$/, '/clientID'],
  [/^\/options\/(whatsapp|telegram)\/.*$/, '/reply_id'],
];

/**
 * The Konnek field a native pointer concerns, after the translation's renames; `type` when the
 * pointer names a part of the message no single Konnek field stands for (the message as a whole,
 * or something the channel requires that Konnek cannot give, such as a LINE video's preview image).
 */
export function konnekField(pointer: string, renames: readonly Rename[]): string {
  if (pointer === '') return '';
  for (const [pattern, replacement] of [...COMMAND_RENAMES, ...renames]) {
    // `/body/button/0/key` → `body.button[0].key`.
    if (pattern.test(pointer)) return pointerToFieldPath(pointer.replace(pattern, replacement));
  }
  return 'type';
}
