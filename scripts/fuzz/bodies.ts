/**
 * The bodies the fuzzer sends, as fast-check arbitraries: values drawn from a route's JSON schema
 * (with wrong types mixed in), valid examples with one field replaced, and the hostile kinds no
 * schema describes (deep nesting, NUL, huge strings, invalid UTF-8, truncation, other media types).
 */
import fc from 'fast-check';
import { LINE_USER, TELEGRAM_CHAT } from '../../test/support/recipients.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = Record<string, unknown>;

const INTERESTING_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFFFF',
  '😀'.repeat(3),
  '<xml>',
  '{{x}}',
  '../../etc/passwd',
  '%00',
  '__proto__',
  'constructor',
  LINE_USER,
  TELEGRAM_CHAT,
  '2024-01-01T00:00:00Z',
  'https://example.com/a.png',
  '-1',
  '1e309',
];

const stringArb = (schema: Schema): fc.Arbitrary<string> => {
  const max = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength + 2 : 40, 200);
  const arbs: fc.Arbitrary<string>[] = [
    fc.string({ maxLength: max }),
    fc.string({ unit: 'grapheme', maxLength: max }),
    fc.constantFrom(...INTERESTING_STRINGS),
  ];
  if (schema.format === 'date-time')
    arbs.push(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    );
  if (schema.format === 'uri' || schema.format === 'url') arbs.push(fc.webUrl());
  if (Array.isArray(schema.enum)) arbs.push(fc.constantFrom(...(schema.enum as string[])));
  return fc.oneof(...arbs);
};

/** A value for `schema`, with a wrong type now and then (weight `wrong` in 10). */
function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<Json> {
  const wrong = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  const right = rightFromSchema(schema, depth);
  return fc.oneof({ arbitrary: right, weight: 9 }, { arbitrary: wrong, weight: 1 });
}

function rightFromSchema(schema: Schema, depth: number): fc.Arbitrary<Json> {
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const as Json);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union && union.length > 0) return fc.oneof(...union.map((s) => fromSchema(s, depth + 1)));
  if (Array.isArray(schema.allOf)) {
    const merged = Object.assign({}, ...(schema.allOf as Schema[])) as Schema;
    return fromSchema(merged, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.oneof(
        fc.integer({
          min: typeof schema.minimum === 'number' ? schema.minimum - 1 : -10,
          max: typeof schema.maximum === 'number' ? schema.maximum + 1 : 1000,
        }),
        fc.constantFrom(0, -1, 2 ** 53, -(2 ** 31)),
      );
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const max = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems + 1 : 4, 5);
      return fc.array(fromSchema(items, depth + 1), { maxLength: max });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [key, sub] of Object.entries(properties)) record[key] = fromSchema(sub, depth + 1);
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
      const known = fc.record(record, { requiredKeys }) as fc.Arbitrary<Record<string, Json>>;
      const extra = fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
        {
          maxKeys: 2,
        },
      );
      return fc
        .tuple(known, fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: extra, weight: 1 }))
        .map(([k, e]) => ({ ...e, ...k }));
    }
    default:
      return fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
  }
}

/** `value` with the node at a random path replaced by `replacement` (or removed). */
function mutate(value: Json, path: number[], replacement: Json | undefined): Json {
  let node: Json = structuredClone(value);
  const root = node;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[path[i]! % keys.length]!;
    const last = i === path.length - 1 || typeof (node as Record<string, Json>)[key] !== 'object';
    if (last) {
      if (replacement === undefined && !Array.isArray(node)) delete (node as Record<string, Json>)[key];
      else (node as Record<string | number, Json>)[key] = replacement ?? null;
      return root;
    }
    node = (node as Record<string | number, Json>)[key] as Json;
  }
  return root;
}

/** Every way a body can be hostile, around the endpoint's schema and valid examples. */
export function bodiesFor(
  schema: Schema | undefined,
  seeds: readonly Json[],
  encode: (value: Json) => string = (v) => JSON.stringify(v),
): fc.Arbitrary<{ bytes: Buffer; contentType: string | undefined }> {
  const json = (text: string, contentType: string | undefined = 'application/json') => ({
    bytes: Buffer.from(text, 'utf8'),
    contentType,
  });
  const fromSchemaArb = schema ? fromSchema(schema) : (fc.jsonValue() as fc.Arbitrary<Json>);
  const seed = seeds.length > 0 ? fc.constantFrom(...seeds) : fromSchemaArb;
  const anything = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
  return fc.oneof(
    { arbitrary: fromSchemaArb.map((v) => json(encode(v))), weight: 4 },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          seed,
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          fc.option(anything, { nil: undefined }),
        )
        .map(([s, path, replacement]) => json(encode(mutate(s, path, replacement)))),
    },
    { arbitrary: seed.map((s) => json(encode(s))), weight: 1 },
    { arbitrary: anything.map((v) => json(JSON.stringify(v))), weight: 1 },
    {
      // Deep nesting, of objects or arrays, around a valid example or alone.
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean(), seed)
        .map(([depth, arrays, s]) =>
          json(
            arrays
              ? `${'['.repeat(depth)}${encode(s)}${']'.repeat(depth)}`
              : `${'{"a":'.repeat(depth)}${encode(s)}${'}'.repeat(depth)}`,
          ),
        ),
    },
    {
      // NUL, lone surrogates and huge strings at a random place of a valid example.
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          fc.oneof(
            fc.constantFrom('\u0000', 'x\u0000y', '\uD800', '\uDFFF'),
            fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
          ),
        )
        .map(([s, path, text]) => json(encode(mutate(s, path, text)))),
    },
    {
      // Invalid UTF-8 bytes spliced into a valid example (only raw HTTP can send these).
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.nat(),
          fc.constantFrom(
            [0xff],
            [0xc3, 0x28],
            [0xe2, 0x82],
            [0xf0, 0x28, 0x8c, 0x28],
            [0xed, 0xa0, 0x80],
            [0xc0, 0xaf],
          ),
        )
        .map(([s, at, bytes]) => {
          const text = Buffer.from(encode(s), 'utf8');
          const cut = at % (text.length + 1);
          return {
            bytes: Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]),
            contentType: 'application/json',
          };
        }),
    },
    {
      // Truncated, empty, or in another media type.
      weight: 1,
      arbitrary: fc
        .tuple(
          seed,
          fc.nat(),
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            undefined,
          ),
        )
        .map(([s, at, contentType]) => {
          const text = encode(s);
          return json(text.slice(0, at % (text.length + 1)), contentType);
        }),
    },
    {
      // Over the body limit (1 MiB), now and then.
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 50 })
        .map((n) => json(n === 1 ? `"${'x'.repeat(1_100_000)}"` : '{}')),
    },
  );
}
