/**
 * /v1/links: stored link targets for smart links, and their clicks. Sends refer to them in
 * `smartlinks`; the short URLs themselves are served at /l/:code (see shortLinkRoutes).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Link, Store } from '../../core/ports/store.ts';
import { AppError } from '../../core/vocabulary/errors.ts';
import { newId } from '../../lib/ids.ts';

const Problem = Type.Ref('Problem');

const CreateLink = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
      description: 'Where a click goes.',
    }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const LinkView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  name: Type.Optional(Type.String()),
  createdAt: Type.String(),
});
const ClickView = Type.Object({
  code: Type.String(),
  messageId: Type.String(),
  recipient: Type.String(),
  at: Type.String(),
  userAgent: Type.Optional(Type.String()),
});

const view = (l: Link) => {
  const { tenantId: _tenant, ...rest } = l;
  return rest;
};

export const linkRoutes: FastifyPluginAsyncTypebox<{ store: Store; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.post(
    '/links',
    {
      schema: {
        summary: 'Store a link target for smart links',
        tags: ['links'],
        body: CreateLink,
        response: { 201: LinkView, 400: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const link: Link = {
        id: newId('lk'),
        tenantId: request.tenantId,
        url: body.url,
        createdAt: now().toISOString(),
        ...(body.name !== undefined ? { name: body.name } : {}),
      };
      await store.links.create(link);
      return reply.code(201).send(view(link));
    },
  );

  app.get(
    '/links',
    {
      schema: {
        summary: 'Stored links',
        tags: ['links'],
        response: { 200: Type.Object({ data: Type.Array(LinkView) }) },
      },
    },
    async (request) => ({ data: (await store.links.list(request.tenantId)).map(view) }),
  );

  app.get(
    '/links/:id/clicks',
    {
      schema: {
        summary: "A link's clicks: when, by which recipient, from which message",
        tags: ['links'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ data: Type.Array(ClickView) }), 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await store.links.get(request.tenantId, id))) throw new AppError('GW_NOT_FOUND', `No link ${id}`);
      return { data: await store.links.clicks(request.tenantId, id) };
    },
  );
};

/** The short URLs: public (a recipient clicks them), so outside the API key. */
export const shortLinkRoutes: FastifyPluginAsyncTypebox<{ store: Store; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.get(
    '/l/:code',
    { schema: { hide: true, params: Type.Object({ code: Type.String({ maxLength: 32 }) }) } },
    async (request, reply) => {
      const { code } = request.params;
      const userAgent = request.headers['user-agent'];
      const result = await store.links.click(
        code,
        now().toISOString(),
        typeof userAgent === 'string' ? userAgent : undefined,
      );
      if (result === undefined) throw new AppError('GW_NOT_FOUND', 'No such link');
      if (result === 'expired')
        return reply.code(410).type('text/plain; charset=utf-8').send('This link has expired.');
      return reply.code(302).header('location', result.url).header('cache-control', 'no-store').send();
    },
  );
};
