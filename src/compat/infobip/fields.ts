/**
 * Naming the offending field the way an Infobip client knows it. Omnigate's checks point into the
 * native send command with JSON pointers (`/message/cards/0/title`); Infobip names fields as
 * dotted paths with indices (`message.template.columns[0].title`). A translation supplies the
 * renames between the canonical message it built and the Infobip message it came from.
 */
import { pointerToFieldPath } from '../shared/field-path.ts';

/** A pointer rewrite; a translation's rewrites apply in order, each to the result of the last. */
export type Rename = readonly [pattern: RegExp, replacement: string];

/** Canonical action fields under their Infobip template-action names. */
export const ACTION_RENAMES: readonly Rename[] = [
  [/\/actions\/(\d+)\/title$/, '/actions/$1/label'],
  [/\/actions\/(\d+)\/payload$/, '/actions/$1/data'],
  [/\/actions\/(\d+)\/url$/, '/actions/$1/uri'],
];

/** Pointers outside the message: the send's addressing, which Infobip carries in `from` and `to`. */
const COMMAND_RENAMES: readonly Rename[] = [
  [/^\/(channel|from)(\/.*)?$/, '/from'],
  [/^\/to(\/.*)?$/, '/to'],
];

/** The Infobip field a native pointer names, after the translation's renames. */
export function infobipField(pointer: string, renames: readonly Rename[]): string {
  const renamed = [...COMMAND_RENAMES, ...renames].reduce(
    (p, [pattern, replacement]) => p.replace(pattern, replacement),
    pointer,
  );
  return pointerToFieldPath(renamed);
}
