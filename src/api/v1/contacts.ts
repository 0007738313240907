/**
 * /v1/contacts: people, each with any number of channel identities (a LINE user id, a PSID, a
 * WhatsApp number, a phone number, an email address), attributes, and a locale and time zone.
 * A send may address `to: { contactId }`; inbound messages from an unknown identity create one.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConnectorRegistry } from '../../core/ports/channel.ts';
import type { Contact, ContactIdentity, Store } from '../../core/ports/store.ts';
import { isTimeZone } from '../../core/rules/send/quiet-hours.ts';
import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { AppError, validationError } from '../../core/vocabulary/errors.ts';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { NoContent } from '../../http/no-content.ts';
import { newId } from '../../lib/ids.ts';
import { decodeCursor, PageLimit, page, pageSize } from './pagination.ts';

const Problem = Type.Ref('Problem');

/**
 * Identities that are not a chat channel: phone and email (reachable once SMS and email channels
 * exist), and the ids a vendor's own contact system gave the person (FIRST LINE's contactable_id,
 * Infobip's user key), so that a client switching to that vendor's façade keeps addressing people
 * the way it did.
 */
const OTHER_IDENTITIES: Record<string, { pattern: RegExp; rule: string }> = {
  phone: { pattern: /^\+[1-9][0-9]{6,14}$/, rule: 'E.164 number, e.g. +66812345678' },
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, rule: 'an email address' },
  firstline: { pattern: /^\S{1,256}$/, rule: 'a FIRST LINE contactable_id' },
  infobip: { pattern: /^\S{1,256}$/, rule: 'an Infobip user key' },
};

const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 }));

/** A contact's identities are on the channels the gateway runs, or are one of OTHER_IDENTITIES. */
function contactSchemas(channelNames: string[]) {
  const Identity = Type.Object(
    {
      channel: StringEnum([...channelNames, ...Object.keys(OTHER_IDENTITIES)]),
      address: Type.String({
        minLength: 1,
        maxLength: 256,
        description: "The person's id or address on that channel.",
      }),
      channelAccountId: Type.Optional(
        Type.String({
          maxLength: 64,
          description:
            'For ids a provider scopes to one account (a PSID is per page): the account it belongs to.',
        }),
      ),
    },
    { additionalProperties: false },
  );
  const fields = {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    attributes: Type.Optional(Attributes),
    locale: Type.Optional(
      Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47, e.g. th-TH.' }),
    ),
    timeZone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Asia/Bangkok.' }),
    ),
    identities: Type.Optional(Type.Array(Identity, { maxItems: 50 })),
  };
  const CreateContact = Type.Object(fields, { additionalProperties: false });
  const UpdateContact = Type.Object(fields, { additionalProperties: false, minProperties: 1 });

  const ContactView = Type.Object({
    id: Type.String(),
    name: Type.Optional(Type.String()),
    attributes: Attributes,
    locale: Type.Optional(Type.String()),
    timeZone: Type.Optional(Type.String()),
    identities: Type.Array(Identity),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  });
  return { CreateContact, UpdateContact, ContactView };
}

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Page = Type.Object(
  {
    limit: PageLimit,
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** Quiet hours are computed in this zone, so it must be one the runtime knows. */
function checkTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    throw validationError([
      { pointer: '/timeZone', rule: 'time_zone', detail: `${timeZone} is not an IANA time zone` },
    ]);
  }
}

const view = (c: Contact) => {
  const { tenantId: _tenant, ...rest } = c;
  return rest;
};

export const contactRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  connectors: ConnectorRegistry;
  now: () => Date;
}> = async (app, { store, connectors, now }) => {
  const { CreateContact, UpdateContact, ContactView } = contactSchemas(Object.keys(connectors));
  /** Each identity's address in its channel's form, on an account of that channel. */
  async function checkIdentities(tenantId: string, identities: ContactIdentity[]): Promise<void> {
    const issues: FieldIssue[] = [];
    for (const [i, identity] of identities.entries()) {
      const at = `/identities/${i}`;
      const other = OTHER_IDENTITIES[identity.channel];
      const problem = other
        ? other.pattern.test(identity.address)
          ? undefined
          : `must be ${other.rule}`
        : connectors[identity.channel]?.checkRecipient(identity.address);
      if (problem) issues.push({ pointer: `${at}/address`, rule: 'recipient', detail: problem });
      if (identity.channelAccountId !== undefined) {
        const account = await store.channelAccounts.find(tenantId, identity.channelAccountId);
        if (!account || account.channel !== identity.channel) {
          issues.push({
            pointer: `${at}/channelAccountId`,
            rule: 'channel_account',
            detail: `no ${identity.channel} channel account '${identity.channelAccountId}'`,
          });
        }
      }
    }
    if (issues.length > 0) throw validationError(issues);
  }
  const conflict = (index: number) =>
    new AppError('GW_CONFLICT', 'Another contact already has this identity', [
      {
        pointer: `/identities/${index}`,
        rule: 'unique',
        detail: 'another contact of this tenant already has this identity',
      },
    ]);

  app.post(
    '/contacts',
    {
      schema: {
        summary: 'Add a contact with its channel identities',
        tags: ['contacts'],
        body: CreateContact,
        response: { 201: ContactView, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkTimeZone(body.timeZone);
      const identities = body.identities ?? [];
      await checkIdentities(request.tenantId, identities);
      const id = newId('ct');
      const { conflict: clash } = await store.contacts.create(
        request.tenantId,
        {
          id,
          attributes: body.attributes ?? {},
          identities,
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.locale !== undefined ? { locale: body.locale } : {}),
          ...(body.timeZone !== undefined ? { timeZone: body.timeZone } : {}),
        },
        now().toISOString(),
      );
      if (clash !== undefined) throw conflict(clash);
      return reply.code(201).send(view((await store.contacts.get(request.tenantId, id)) as Contact));
    },
  );

  app.get(
    '/contacts',
    {
      schema: {
        summary: 'Contacts, newest first, with cursor pagination',
        tags: ['contacts'],
        querystring: Page,
        response: {
          200: Type.Object({ data: Type.Array(ContactView), nextCursor: Type.Optional(Type.String()) }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { limit, fetch } = pageSize(q.limit);
      const beforeId = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await store.contacts.list(request.tenantId, {
        limit: fetch,
        ...(beforeId ? { beforeId } : {}),
      });
      return page(rows, limit, view);
    },
  );

  app.get(
    '/contacts/:id',
    {
      schema: {
        summary: 'A contact',
        tags: ['contacts'],
        params: Params,
        response: { 200: ContactView, 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      const contact = await store.contacts.get(request.tenantId, id);
      if (!contact) throw new AppError('GW_NOT_FOUND', `No contact ${id}`);
      return view(contact);
    },
  );

  app.patch(
    '/contacts/:id',
    {
      schema: {
        summary: 'Change a contact; `identities`, when given, replace the whole list',
        tags: ['contacts'],
        params: Params,
        body: UpdateContact,
        response: { 200: ContactView, 400: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      checkTimeZone(body.timeZone);
      if (body.identities) await checkIdentities(request.tenantId, body.identities);
      const result = await store.contacts.update(request.tenantId, id, body, now().toISOString());
      if (result.conflict !== undefined) throw conflict(result.conflict);
      if (!result.contact) throw new AppError('GW_NOT_FOUND', `No contact ${id}`);
      return view(result.contact);
    },
  );

  app.delete(
    '/contacts/:id',
    {
      schema: {
        summary: 'Remove a contact and its identities',
        tags: ['contacts'],
        params: Params,
        response: { 204: NoContent('Removed.'), 404: Problem },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await store.contacts.delete(request.tenantId, id)))
        throw new AppError('GW_NOT_FOUND', `No contact ${id}`);
      return reply.code(204).send();
    },
  );
};
