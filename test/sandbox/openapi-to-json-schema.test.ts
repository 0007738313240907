import { resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { openApiToJsonSchema } from '../../src/sandbox/openapi-to-json-schema.ts';
import { REPO_ROOT, specsDirCandidates } from '../../src/sandbox/specs.ts';

/** A miniature of LINE's pattern: a discriminated base and allOf subtypes, one nullable field. */
const SCHEMAS = {
  Shape: {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string' }, label: { type: 'string', nullable: true } },
    discriminator: {
      propertyName: 'type',
      mapping: { circle: '#/components/schemas/Circle', group: '#/components/schemas/Group' },
    },
  },
  Circle: {
    type: 'object',
    required: ['r'],
    allOf: [
      { $ref: '#/components/schemas/Shape' },
      { type: 'object', properties: { r: { type: 'number' } } },
    ],
  },
  Group: {
    allOf: [
      { $ref: '#/components/schemas/Shape' },
      { properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Shape' } } } },
    ],
  },
  Broken: { oneOf: { type: 'array' } },
};

function compile(strict: boolean) {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addSchema(openApiToJsonSchema(SCHEMAS, { id: 'mini', roots: ['Shape'], strict }));
  const validate = ajv.getSchema('mini#/$defs/Shape');
  if (!validate) throw new Error('not compiled');
  return (v: unknown) => (validate(v) ? [] : (validate.errors ?? []).filter((e) => e.keyword !== 'if'));
}

describe('openApiToJsonSchema', () => {
  const validate = compile(true);

  it('dispatches on the discriminator, recursively', () => {
    expect(validate({ type: 'circle', r: 1, label: null })).toEqual([]);
    expect(validate({ type: 'group', items: [{ type: 'circle', r: 2 }] })).toEqual([]);
    expect(validate({ type: 'group', items: [{ type: 'circle' }] })).toMatchObject([
      { keyword: 'required', instancePath: '/items/0', params: { missingProperty: 'r' } },
    ]);
  });

  it('reports an unknown tag once, against the mapping', () => {
    expect(validate({ type: 'square' })).toMatchObject([
      { keyword: 'enum', instancePath: '/type', params: { allowedValues: ['circle', 'group'] } },
    ]);
  });

  it('rejects undeclared properties only when strict, seeing through allOf', () => {
    expect(validate({ type: 'circle', r: 1, radius: 1 })).toMatchObject([
      { keyword: 'unevaluatedProperties', params: { unevaluatedProperty: 'radius' } },
    ]);
    expect(compile(false)({ type: 'circle', r: 1, radius: 1 })).toEqual([]);
  });

  it('emits only what the roots reach, so broken unrelated schemas do no harm', () => {
    const bundle = openApiToJsonSchema(SCHEMAS, { id: 'mini', roots: ['Shape'], strict: true });
    expect(Object.keys(bundle.$defs).sort()).toEqual(['Circle', 'Group', 'Shape', 'Shape__base']);
  });

  it('looks for the specs under OMNIGATE_SPECS_DIR first, then in the repository, then beside it', () => {
    const [first, second, third] = specsDirCandidates({ OMNIGATE_SPECS_DIR: '/somewhere/specs' });
    expect(first).toBe('/somewhere/specs');
    expect(second).toBe(resolve(REPO_ROOT, 'specs'));
    expect(third).toMatch(/shared[\\/]specs$/);
  });
});
