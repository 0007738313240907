/**
 * Cursor pagination, as every listing of the API does it: ask the store for one row more than
 * the page, and when it comes back, hand out a cursor (the last row's id, base64url) for the next.
 */
import { Type } from '@sinclair/typebox';

export const PageLimit = Type.Optional(
  Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$', description: '1 to 200; 50 by default.' }),
);

export const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
export const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** The page size asked for, and how many rows to ask the store for. */
export function pageSize(limit: string | undefined): { limit: number; fetch: number } {
  const n = limit ? Number(limit) : 50;
  return { limit: n, fetch: n + 1 };
}

/** One page of `rows` (fetched with `pageSize(...).fetch`), shown with `view`. */
export function page<R extends { id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
): { data: V[]; nextCursor?: string } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(view),
    ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.id) } : {}),
  };
}
