/**
 * /v1/templates: stored, versioned templates with named parameters and a variant per channel (a
 * WhatsApp template name and language, a LINE Flex layout, plain text for the rest, ...). Adding
 * a template under an existing name makes its next version; a send names a version or gets the
 * newest: `message: { template, parameters }`.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { checkVariant, placeholders } from '../../core/fill-template.ts';
import type { ConnectorRegistry } from '../../core/ports/channel.ts';
import type { Store, StoredTemplate } from '../../core/ports/store.ts';
import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { AppError, validationError } from '../../core/vocabulary/errors.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';
import { NoContent } from '../../http/no-content.ts';

const Problem = Type.Ref('Problem');
const NAME = '^[A-Za-z0-9_.-]{1,200}$';

const Parameter = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' }),
    required: Type.Optional(Type.Boolean({ description: 'Default true.' })),
    default: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);
/** Checked after parsing (checkVariant): a variant's URLs hold `{{...}}`, which no URI format accepts. */
const Variant = Type.Object(
  { type: Type.String() },
  {
    additionalProperties: true,
    description: 'A canonical message whose strings may hold {{parameter}} placeholders.',
  },
);
/** A template has a variant per channel of the gateway it is stored in, or a `default` one. */
const createTemplateSchema = (channelNames: string[]) =>
  Type.Object(
    {
      name: Type.String({ pattern: NAME }),
      description: Type.Optional(Type.String({ maxLength: 1000 })),
      parameters: Type.Array(Parameter, { maxItems: 100 }),
      variants: Type.Object(
        Object.fromEntries(['default', ...channelNames].map((c) => [c, Type.Optional(Variant)])),
        {
          additionalProperties: false,
          minProperties: 1,
          description: 'By channel name, or `default` for any other channel.',
        },
      ),
    },
    { additionalProperties: false },
  );
type CreateTemplate = Static<ReturnType<typeof createTemplateSchema>>;

const TemplateView = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  description: Type.Optional(Type.String()),
  parameters: Type.Array(Parameter),
  variants: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
const Params = Type.Object({ name: Type.String({ pattern: NAME }) });
const Query = Type.Object(
  { version: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })) },
  { additionalProperties: false },
);

const view = (t: StoredTemplate) => {
  const { tenantId: _tenant, ...rest } = t;
  return rest;
};

export const templateRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  connectors: ConnectorRegistry;
  now: () => Date;
}> = async (app, { store, connectors, now }) => {
  const CreateTemplate = createTemplateSchema(Object.keys(connectors));
  function checkTemplate(body: CreateTemplate): void {
    const issues: FieldIssue[] = [];
    const declared = new Set(body.parameters.map((p) => p.name));
    body.parameters.forEach((p, i) => {
      if (body.parameters.findIndex((q) => q.name === p.name) !== i) {
        issues.push({
          pointer: `/parameters/${i}/name`,
          rule: 'unique',
          detail: `${p.name} is declared twice`,
        });
      }
    });
    for (const [channel, variant] of Object.entries(body.variants)) {
      if (variant === undefined) continue;
      const at = `/variants/${channel}`;
      for (const name of placeholders(variant)) {
        if (!declared.has(name)) {
          issues.push({
            pointer: at,
            rule: 'undeclared_parameter',
            detail: `{{${name}}} is not a declared parameter`,
          });
        }
      }
      const shape = checkVariant(variant, at);
      issues.push(...shape);
      const connector = connectors[channel];
      const kind = variant.type as MessageKind;
      if (shape.length === 0 && connector && connector.capabilities[kind]?.support === 'refused') {
        issues.push({
          pointer: `${at}/type`,
          rule: 'channel_capability',
          detail: `${connector.displayName} cannot carry a ${kind} message`,
        });
      }
    }
    if (issues.length > 0) throw validationError(issues);
  }

  app.post(
    '/templates',
    {
      schema: {
        summary: 'Store a template (a name already used gets its next version)',
        tags: ['templates'],
        body: CreateTemplate,
        response: { 201: TemplateView, 400: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkTemplate(body);
      const stored = await store.templates.add(
        {
          tenantId: request.tenantId,
          name: body.name,
          parameters: body.parameters,
          variants: Object.fromEntries(Object.entries(body.variants).filter(([, v]) => v !== undefined)),
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
        now().toISOString(),
      );
      return reply.code(201).send(view(stored));
    },
  );

  app.get(
    '/templates',
    {
      schema: {
        summary: 'Stored templates, newest version of each',
        tags: ['templates'],
        response: { 200: Type.Object({ data: Type.Array(TemplateView) }) },
      },
    },
    async (request) => ({ data: (await store.templates.list(request.tenantId)).map(view) }),
  );

  app.get(
    '/templates/:name',
    {
      schema: {
        summary: 'A stored template: the newest version, or `?version=N`',
        tags: ['templates'],
        params: Params,
        querystring: Query,
        response: { 200: TemplateView, 404: Problem },
      },
    },
    async (request) => {
      const { name } = request.params;
      const { version } = request.query;
      const t = await store.templates.get(request.tenantId, name, version ? Number(version) : undefined);
      if (!t)
        throw new AppError('GW_NOT_FOUND', `No template ${name}${version ? ` version ${version}` : ''}`);
      return view(t);
    },
  );

  app.delete(
    '/templates/:name',
    {
      schema: {
        summary: 'Remove a template, every version',
        tags: ['templates'],
        params: Params,
        response: { 204: NoContent('Removed.'), 404: Problem },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      if (!(await store.templates.delete(request.tenantId, name)))
        throw new AppError('GW_NOT_FOUND', `No template ${name}`);
      return reply.code(204).send();
    },
  );
};
