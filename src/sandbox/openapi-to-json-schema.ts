/**
 * OpenAPI 3.0 component schemas → one JSON Schema 2019-09 document ajv can compile.
 *
 * LINE's documents model polymorphism the OpenAPI way: a base (`Message`, `Action`, `Template`,
 * `FlexComponent`, ...) carries a `discriminator.mapping`, and each subtype is `allOf: [base, own]`.
 * JSON Schema has no discriminator, and a naive translation recurses forever (base → subtype →
 * base). So each base yields two definitions:
 *   - `X`: a dispatcher that checks the tag against the mapping and then validates only the branch
 *     it names (one clear error list, not one per branch as `oneOf` would give);
 *   - `X__base`: the base's own properties, what subtypes pull in through `allOf`.
 * A subtype also pins its tag (`type: const`), so `FlexCarousel.contents` only takes bubbles.
 *
 * LINE's documents set `additionalProperties: false` nowhere; with `strict`, every object that is
 * not merely an `allOf` fragment gets `unevaluatedProperties: false`, which (unlike
 * additionalProperties) sees the properties its `allOf` members declared.
 *
 * Only definitions reachable from `roots` are emitted: the documents contain a few schemas that are
 * not valid JSON Schema (an object where `oneOf` needs an array) in parts we never use.
 */
import { isObj } from '../lib/json.ts';

type Schema = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';
const BASE = '__base';
/** Keywords JSON Schema does not know; `nullable` is translated, the rest are documentation. */
const OPENAPI_ONLY = new Set(['discriminator', 'nullable', 'externalDocs', 'example', 'xml']);

export interface JsonSchemaBundle {
  $id: string;
  $defs: Record<string, Schema>;
}

export interface ConvertOptions {
  /** `$id` of the produced document; compile `<$id>#/$defs/<Name>`. */
  id: string;
  /** Component names to start from. */
  roots: readonly string[];
  /** Reject properties the document does not declare. */
  strict: boolean;
}

function refName(ref: string): string {
  if (!ref.startsWith(COMPONENT_REF)) throw new Error(`Unsupported $ref ${ref}`);
  return ref.slice(COMPONENT_REF.length);
}

interface Tag {
  prop: string;
  value: string;
}

/** subtype name → the tag value its base's mapping gives it. */
function discriminatorTags(schemas: Schema): Map<string, Tag> {
  const tags = new Map<string, Tag>();
  for (const schema of Object.values(schemas)) {
    const d = isObj(schema) ? schema['discriminator'] : undefined;
    if (!isObj(d) || typeof d['propertyName'] !== 'string' || !isObj(d['mapping'])) continue;
    for (const [value, ref] of Object.entries(d['mapping'])) {
      if (typeof ref === 'string') tags.set(refName(ref), { prop: d['propertyName'], value });
    }
  }
  return tags;
}

export function openApiToJsonSchema(
  schemas: Record<string, unknown>,
  options: ConvertOptions,
): JsonSchemaBundle {
  const tags = discriminatorTags(schemas);
  const defs: Record<string, Schema> = {};
  const queued = new Set<string>();
  const work: Array<{ name: string; asBase: boolean }> = [];

  const need = (name: string, asBase: boolean): string => {
    const key = asBase ? name + BASE : name;
    if (!queued.has(key)) {
      queued.add(key);
      work.push({ name, asBase });
    }
    return `#/$defs/${key}`;
  };

  const convert = (node: unknown, fragment: boolean): Schema => {
    if (!isObj(node)) throw new Error(`Expected a schema object, got ${JSON.stringify(node)}`);
    // In OpenAPI 3.0 a $ref replaces its siblings. Inside allOf it means "extend", so: the base part.
    if (typeof node['$ref'] === 'string') return { $ref: need(refName(node['$ref']), fragment) };
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (OPENAPI_ONLY.has(key)) continue;
      if (key === 'properties' && isObj(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, false)]));
      } else if (key === 'items' || key === 'not') {
        out[key] = convert(value, false);
      } else if (key === 'additionalProperties') {
        out[key] = isObj(value) ? convert(value, false) : value;
      } else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') {
        const members = Array.isArray(value) ? value : [value];
        out[key] = members.map((m) => convert(m, key === 'allOf'));
      } else {
        out[key] = value;
      }
    }
    if (node['nullable'] === true) makeNullable(out);
    const objectLike = isObj(node['properties']) || Array.isArray(node['allOf']);
    if (options.strict && !fragment && objectLike && node['additionalProperties'] === undefined) {
      out['unevaluatedProperties'] = false;
    }
    return out;
  };

  const convertTop = (name: string, schema: Schema): Schema => {
    const d = schema['discriminator'];
    if (isObj(d) && typeof d['propertyName'] === 'string' && isObj(d['mapping'])) {
      const prop = d['propertyName'];
      const mapping = Object.entries(d['mapping']).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      );
      return {
        type: 'object',
        required: [prop],
        properties: { [prop]: { type: 'string', enum: mapping.map(([value]) => value) } },
        allOf: mapping.map(([value, ref]) => ({
          if: { properties: { [prop]: { const: value } }, required: [prop] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
          then: { $ref: need(refName(ref), false) },
        })),
      };
    }
    const out = convert(schema, false);
    const tag = tags.get(name);
    if (tag) {
      const props = isObj(out['properties']) ? out['properties'] : {};
      out['properties'] = { ...props, [tag.prop]: { const: tag.value } };
    }
    return out;
  };

  for (const root of options.roots) need(root, false);
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const schema = schemas[item.name];
    if (!isObj(schema)) throw new Error(`No component schema named ${item.name}`);
    defs[item.asBase ? item.name + BASE : item.name] = item.asBase
      ? convert(schema, true)
      : convertTop(item.name, schema);
  }
  return { $id: options.id, $defs: defs };
}

function makeNullable(schema: Schema): void {
  const type = schema['type'];
  if (typeof type === 'string') schema['type'] = [type, 'null'];
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(null))
    schema['enum'] = [...schema['enum'], null];
}
