/**
 * Small helpers for the raw header maps providers' webhooks arrive with.
 */
import { timingSafeEqual } from 'node:crypto';

/** A header's first value, whatever the case of its name. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Compares a received secret or signature with the expected one in constant time. The length of
 * a valid value is public, so checking it first (timingSafeEqual needs equal lengths) leaks nothing.
 */
export function secretsEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
