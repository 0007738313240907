/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for answers), each route's
 * compiled at the route's first request instead of at start. Compiling every route's schemas took
 * half a second of each start, before the gateway could answer `/healthz`; the first request of a
 * route now pays its share (a few milliseconds, tens for the send schema) once per process.
 */
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { onFirstCall } from '../lib/once.ts';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
/** The two builders' shape as Fastify calls them: schemas and options in, a per-route compiler out. */
type Builder<F> = (externalSchemas: unknown, options: unknown) => (route: unknown) => F;

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/**
 * A validator that compiles at its first call. Fastify reads `errors` after a failed call and
 * passes the parent object when the function has Ajv's `schemaEnv`: both are read through.
 */
function validatorOnFirstCall(compile: () => Validate): Validate {
  const real = onFirstCall(compile);
  const validate = ((data: unknown, context?: unknown) =>
    context === undefined ? real()(data) : real()(data, context)) as Validate;
  Object.defineProperty(validate, 'errors', { get: () => real().errors });
  Object.defineProperty(validate, 'schemaEnv', { get: () => real().schemaEnv });
  return validate;
}

export function lazySchemaCompilers(): Compilers {
  const buildValidator = ajvCompiler() as unknown as Builder<Validate>;
  const buildSerializer = serializerCompiler() as unknown as Builder<(data: unknown) => string>;
  const lazyValidator: Builder<Validate> = (externalSchemas, options) => {
    const compile = buildValidator(externalSchemas, options);
    return (route) => validatorOnFirstCall(() => compile(route));
  };
  const lazySerializer: Builder<(data: unknown) => string> = (externalSchemas, options) => {
    const compile = buildSerializer(externalSchemas, options);
    return (route) => {
      const serialize = onFirstCall(() => compile(route));
      return (data) => serialize()(data);
    };
  };
  return { buildValidator: lazyValidator, buildSerializer: lazySerializer } as unknown as Compilers;
}
