/**
 * Every string inside a message (or any JSON value), mapped: how stored templates fill their
 * `{{parameters}}` and smart links their `{{link_N}}`, and how both find which ones are used.
 */
export function mapStrings(value: unknown, onString: (s: string) => string): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, onString));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, onString)]));
  }
  return value;
}
