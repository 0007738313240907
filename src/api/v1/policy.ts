/**
 * Contact policy settings: consent per contact, channel and purpose (also set by people writing
 * STOP / START), and frequency caps per group. Sends opt in with `policy`.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConnectorRegistry } from '../../core/ports/channel.ts';
import type { Store } from '../../core/ports/store.ts';
import { AppError } from '../../core/vocabulary/errors.ts';
import { StringEnum } from '../../core/vocabulary/message.ts';

const Problem = Type.Ref('Problem');

const ConsentView = Type.Object({
  channel: Type.String(),
  purpose: StringEnum(['transactional', 'marketing']),
  status: StringEnum(['opted_in', 'opted_out']),
  source: Type.String({ description: '`api`, or `keyword` when the person wrote a stop or start word.' }),
  updatedAt: Type.String(),
});
/** Consent is given on one of the channels the gateway runs, or on all of them. */
const setConsentSchema = (channelNames: string[]) =>
  Type.Object(
    {
      channel: Type.Optional(
        StringEnum(['*', ...channelNames], 'A channel, or `*` (default) for every channel.'),
      ),
      purpose: StringEnum(['transactional', 'marketing']),
      status: StringEnum(['opted_in', 'opted_out']),
    },
    { additionalProperties: false },
  );
const Limit = Type.Integer({ minimum: 0, maximum: 100_000 });
const SetCap = Type.Object(
  { perDay: Type.Optional(Limit), perWeek: Type.Optional(Limit), perMonth: Type.Optional(Limit) },
  { additionalProperties: false, minProperties: 1 },
);
const CapView = Type.Object({
  group: Type.String(),
  perDay: Type.Optional(Type.Integer()),
  perWeek: Type.Optional(Type.Integer()),
  perMonth: Type.Optional(Type.Integer()),
});

export const policyRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  connectors: ConnectorRegistry;
  now: () => Date;
}> = async (app, { store, connectors, now }) => {
  const SetConsent = setConsentSchema(Object.keys(connectors));
  const contact = async (tenantId: string, id: string) => {
    if (!(await store.contacts.get(tenantId, id))) throw new AppError('GW_NOT_FOUND', `No contact ${id}`);
  };

  app.put(
    '/contacts/:id/consent',
    {
      schema: {
        summary: "Record a contact's opt-in or opt-out for a purpose, on one channel or all",
        tags: ['contacts'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: SetConsent,
        response: { 200: Type.Object({ data: Type.Array(ConsentView) }), 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      await contact(request.tenantId, id);
      const body = request.body;
      await store.policy.setConsent(request.tenantId, id, {
        channel: body.channel ?? '*',
        purpose: body.purpose,
        status: body.status,
        source: 'api',
        updatedAt: now().toISOString(),
      });
      return { data: await store.policy.consents(request.tenantId, id) };
    },
  );

  app.get(
    '/contacts/:id/consent',
    {
      schema: {
        summary: "A contact's consents",
        tags: ['contacts'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ data: Type.Array(ConsentView) }), 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      await contact(request.tenantId, id);
      return { data: await store.policy.consents(request.tenantId, id) };
    },
  );

  app.put(
    '/frequency-caps/:group',
    {
      schema: {
        summary:
          'Set how many messages of a group one contact may get per day, week (7 days) and month (30 days)',
        tags: ['contact policy'],
        params: Type.Object({ group: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' }) }),
        body: SetCap,
        response: { 200: CapView, 400: Problem },
      },
    },
    async (request) => {
      const { group } = request.params;
      const cap = { group, ...request.body };
      await store.policy.setCap(request.tenantId, cap);
      return cap;
    },
  );

  app.get(
    '/frequency-caps',
    {
      schema: {
        summary: 'Frequency caps by group',
        tags: ['contact policy'],
        response: { 200: Type.Object({ data: Type.Array(CapView) }) },
      },
    },
    async (request) => ({ data: await store.policy.listCaps(request.tenantId) }),
  );
};
