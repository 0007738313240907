/**
 * Column conventions both adapters share. The two databases differ in how they store a boolean
 * (SQLite 0/1, PostgreSQL a boolean), so a flag column is read through `flag`, which takes either.
 */

/** A nullable column as an optional field: NULL becomes absent. */
export const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** A boolean column as SQLite (0/1) or PostgreSQL (boolean) returns it. */
export type Flag = number | boolean;

export const flag = (v: Flag): boolean => v === true || v === 1;
