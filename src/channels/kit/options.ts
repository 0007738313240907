/**
 * A send's `options.<channel>` read as the static type of the channel's `optionsSchema`. A
 * connector is handed options only once they passed that schema: the native API validates them
 * at the door (api/v1/message-schemas.ts, for sends and previews alike), a façade checks what it
 * built against the same schema (compat/konnek/native-shape.ts) or builds it from the same values
 * (compat/webex), and the store keeps the rendered request, never the options, so nothing renders
 * them again later. Reading them therefore needs a type, not a second parser. No options read as
 * none.
 */
import type { Static, TObject } from '@sinclair/typebox';

export function optionsOf<S extends TObject>(
  _schema: S,
  options: Record<string, unknown> | undefined,
): Static<S> {
  return (options ?? {}) as Static<S>;
}
