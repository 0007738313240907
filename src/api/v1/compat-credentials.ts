/**
 * /v1/compat-credentials: the credentials a vendor façade accepts for this tenant, so that a
 * client switching from FIRST LINE, Konnek, Webex Connect or Infobip keeps its own style of
 * credential. The secret is shown once, by the caller who chose it; only a hash is kept.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { COMPAT_VENDORS, compatCredentialHash } from '../../compat/credentials.ts';
import { AppError, validationError } from '../../core/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Store } from '../../store/types.ts';

const Problem = Type.Ref('Problem');

const CreateCredential = Type.Object(
  {
    vendor: Type.Union(
      COMPAT_VENDORS.map((v) => Type.Literal(v)),
      {
        description:
          'firstline: `Authorization: Bearer <secret>`; konnek: `Auth-username` / `Auth-password`; ' +
          'webex: the service `key` header; infobip: HTTP Basic.',
      },
    ),
    username: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Required for konnek and infobip (their styles carry a user name); not used by the others.',
      }),
    ),
    secret: Type.String({ minLength: 8, maxLength: 500 }),
  },
  { additionalProperties: false },
);
type CreateCredential = Static<typeof CreateCredential>;

const CredentialView = Type.Object({
  id: Type.String(),
  vendor: Type.String(),
  username: Type.Optional(Type.String()),
  createdAt: Type.String(),
});

const WITH_USERNAME = new Set(['konnek', 'infobip']);

const view = (c: { id: string; vendor: string; principal: string; createdAt: string }) => ({
  id: c.id,
  vendor: c.vendor,
  ...(c.principal ? { username: c.principal } : {}),
  createdAt: c.createdAt,
});

export const compatCredentialRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.post(
    '/compat-credentials',
    {
      schema: {
        summary: "Register a credential in a vendor's style for that vendor's façade",
        tags: ['compatibility'],
        body: CreateCredential,
        response: { 201: CredentialView, 400: Problem, 401: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateCredential;
      const needsUsername = WITH_USERNAME.has(body.vendor);
      if (needsUsername && body.username === undefined) {
        throw validationError([
          { pointer: '/username', rule: 'required', detail: `is required for ${body.vendor}` },
        ]);
      }
      if (!needsUsername && body.username !== undefined) {
        throw validationError([
          {
            pointer: '/username',
            rule: 'not_allowed',
            detail: `${body.vendor} credentials carry no user name`,
          },
        ]);
      }
      const principal = body.username ?? '';
      const hash = compatCredentialHash(body.vendor, principal, body.secret);
      if (await store.tenants.findByCompatCredential(body.vendor, hash)) {
        throw new AppError('GW_CONFLICT', 'This credential is already registered', [
          { pointer: '/secret', rule: 'unique', detail: 'is already registered for this vendor' },
        ]);
      }
      const created = await store.tenants.addCompatCredential(request.tenantId, {
        id: newId('cred'),
        vendor: body.vendor,
        principal,
        credentialHash: hash,
      });
      return reply.code(201).send(view(created));
    },
  );

  app.get(
    '/compat-credentials',
    {
      schema: {
        summary: 'The vendor-style credentials of this tenant (without secrets)',
        tags: ['compatibility'],
        response: { 200: Type.Object({ data: Type.Array(CredentialView) }) },
      },
    },
    async (request) => ({
      data: (await store.tenants.listCompatCredentials(request.tenantId)).map(view),
    }),
  );

  app.delete(
    '/compat-credentials/:id',
    {
      schema: {
        summary: 'Remove a vendor-style credential',
        tags: ['compatibility'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), 404: Problem },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await store.tenants.removeCompatCredential(request.tenantId, id))) {
        throw new AppError('GW_NOT_FOUND', `No compat credential ${id}`);
      }
      return reply.code(204).send();
    },
  );
};
