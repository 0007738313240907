/**
 * `null` taken as a field not given. The sample's timestamp has nanoseconds, as Go formats time, and
 * a Go client marshals a nil slice or pointer (no buttons, no header) as `null` unless every field
 * says `omitempty`; such a request means "none", and is not refused for it.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) out[key] = withoutNulls(v);
  return out;
}
