/**
 * Where each field of the native send came from in the FIRST LINE request, so that a refusal by
 * the native send path (a JSON pointer into the native command, `/message/cards/0/actions/1/url`)
 * names the field the FIRST LINE client wrote (`message.columns.0.actions.1.url`).
 */
import { pointerSegments } from '../shared/field-path.ts';

/** The native command's top-level fields, as the FIRST LINE fields they come from. */
const COMMAND_FIELDS: Record<string, string> = {
  '/to': 'contactable_id',
  '/from': 'contactable_type',
  '/channel': 'contactable_type',
  '/message/type': 'type',
  '/message': 'message',
};

export class PathMap {
  private readonly paths = new Map<string, string>(Object.entries(COMMAND_FIELDS));

  /** Records that the native field at `pointer` holds the FIRST LINE field `path`. */
  set(pointer: string, path: string): this {
    this.paths.set(pointer, path);
    return this;
  }

  /**
   * The FIRST LINE field behind a native pointer: the pointer itself if recorded, else its nearest
   * recorded parent (a LINE Flex payload maps to `message` as a whole).
   */
  resolve(pointer: string): string {
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      const path = this.paths.get(p);
      if (path !== undefined) return path;
    }
    return 'message';
  }
}

/** A JSON pointer into the FIRST LINE request itself as its dotted path (`/a/0/b` → `a.0.b`). */
export function dottedPath(pointer: string): string {
  return pointerSegments(pointer).join('.');
}
