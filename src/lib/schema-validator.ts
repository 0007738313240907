/**
 * JSON Schema validators for the gateway's own checks beyond the routes' (templates filled in,
 * façade bodies, connector options). One Ajv instance serves them all: it keeps what it compiled
 * by schema, so a schema used in several places (the canonical message) is compiled once. And
 * each is compiled at its first call, not at import: compiling them all took a third of a second
 * of every start, for checks many processes never make.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { onFirstCall } from './once.ts';

const addFormats = addFormatsModule.default;

const ajv = onFirstCall(() => {
  const shared = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, strict: false });
  addFormats(shared);
  return shared;
});

/** The schema's validator, compiled now (or taken from what was compiled for it before). */
export const compileSchema = (schema: object): ValidateFunction => ajv().compile(schema);

/** A function giving the schema's validator, compiled at its first call. */
export const validatorOnFirstUse = (schema: object): (() => ValidateFunction) =>
  onFirstCall(() => ajv().compile(schema));
