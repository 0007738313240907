/**
 * Field names back in Webex's terms. The native send reports problems as JSON pointers into the
 * command the façade built (`/message/cards/0/text`, `/to/3`); a Webex client needs the field it
 * sent (`channels.OTT-Messaging.fb.attachment.payload.elements[0].subtitle`,
 * `destination[1].psid[0]`). Each translation says where its parts came from as a FieldMapper.
 */
import { fieldPath, pointerSegments } from '../shared/field-path.ts';

/** A native pointer → the Webex field it came from, or undefined when this mapper does not know. */
export type FieldMapper = (pointer: string) => string | undefined;

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Pointers under `prefix` land under `base`; each segment renamed as `renames` says, else written
 * in snake_case (the canonical `imageUrl` was Webex's `image_url`).
 */
export function fieldsUnder(prefix: string, base: string, renames: Record<string, string> = {}): FieldMapper {
  return (pointer) => {
    if (pointer !== prefix && !pointer.startsWith(`${prefix}/`)) return undefined;
    return fieldPath(pointerSegments(pointer.slice(prefix.length)), base, (s) => renames[s] ?? snake(s));
  };
}

/** The first mapper that knows the pointer. */
export const firstOf =
  (...mappers: FieldMapper[]): FieldMapper =>
  (pointer) => {
    for (const m of mappers) {
      const field = m(pointer);
      if (field !== undefined) return field;
    }
    return undefined;
  };

/** An ajv instance path of the Webex body (`/channels/OTT-Messaging/fb/text`) in dotted form. */
export const bodyField = (instancePath: string, child?: string): string =>
  fieldPath([...pointerSegments(instancePath), ...(child !== undefined ? [child] : [])]);
