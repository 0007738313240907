/**
 * Small helpers for reading untyped JSON (provider bodies, webhook payloads, spec documents).
 */

/** A JSON object (as opposed to an array or a primitive). */
export type Obj = Record<string, unknown>;

/** Whether a value is a non-null object and not an array. */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value if it is a string, otherwise undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A JSON pointer's segments, unescaped (`~1` is `/`, `~0` is `~`); none for the whole document. */
export const pointerSegments = (pointer: string): string[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
