/**
 * /v1/conversations: one open conversation per contact and channel account, with an owner. While
 * an agent owns it, automated sends to that person on that account are refused
 * (`conversation_owned_by_agent`) unless they say `force: true`. Inbound messages open and refresh
 * conversations; these routes assign, release and close them, each an event.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Conversation, ConversationAction, Store } from '../../core/ports/store.ts';
import { AppError, validationError } from '../../core/vocabulary/errors.ts';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { newId } from '../../lib/ids.ts';
import { decodeCursor, PageLimit, page, pageSize } from './pagination.ts';

const Problem = Type.Ref('Problem');

const ConversationView = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  channel: Type.String(),
  channelAccountId: Type.String(),
  address: Type.String({ description: "The contact's address on that account." }),
  state: StringEnum(['open', 'closed']),
  owner: Type.Optional(StringEnum(['bot', 'agent'])),
  agentId: Type.Optional(Type.String()),
  lastInboundAt: Type.Optional(
    Type.String({ description: 'When the person last wrote: where session windows start.' }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const WithEvents = Type.Object({
  ...ConversationView.properties,
  events: Type.Array(
    Type.Object({
      type: Type.String(),
      at: Type.String(),
      detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});
const OpenConversation = Type.Object(
  {
    contactId: Type.String({ minLength: 1, maxLength: 64 }),
    channelAccountId: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
const Assign = Type.Object(
  {
    owner: StringEnum(['agent', 'bot']),
    agentId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Your agent's id, for the record." }),
    ),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    contactId: Type.Optional(Type.String({ maxLength: 64 })),
    state: Type.Optional(StringEnum(['open', 'closed'])),
    owner: Type.Optional(StringEnum(['bot', 'agent'])),
    limit: PageLimit,
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

const view = (c: Conversation) => {
  const { tenantId: _tenant, ...rest } = c;
  return rest;
};

export const conversationRoutes: FastifyPluginAsyncTypebox<{ store: Store; now: () => Date }> = async (
  app,
  { store, now },
) => {
  app.post(
    '/conversations',
    {
      schema: {
        summary: "Open a contact's conversation on a channel account (or get the open one)",
        tags: ['conversations'],
        body: OpenConversation,
        response: { 200: ConversationView, 201: ConversationView, 400: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const { contactId, channelAccountId } = request.body;
      const account = await store.channelAccounts.find(request.tenantId, channelAccountId);
      if (!account) {
        throw validationError([
          {
            pointer: '/channelAccountId',
            rule: 'channel_account',
            detail: `no channel account '${channelAccountId}'`,
          },
        ]);
      }
      const address = await store.contacts.addressFor(
        request.tenantId,
        contactId,
        account.channel,
        account.id,
      );
      if (address === undefined) {
        throw validationError(
          [
            {
              pointer: '/contactId',
              rule: 'contact_identity',
              detail: `no contact ${contactId} with a ${account.channel} identity for this account`,
            },
          ],
          'GW_CONTACT_UNREACHABLE',
        );
      }
      const before = await store.conversations.list(request.tenantId, {
        contactId,
        state: 'open',
        limit: 200,
      });
      const id = await store.conversations.open(
        request.tenantId,
        { contactId, channel: account.channel, channelAccountId, address },
        newId('cv'),
        now().toISOString(),
        false,
      );
      const conversation = (await store.conversations.get(request.tenantId, id)) as Conversation;
      const created = !before.some((c) => c.id === id);
      return reply.code(created ? 201 : 200).send(view(conversation));
    },
  );

  app.get(
    '/conversations',
    {
      schema: {
        summary: 'Conversations, newest first',
        tags: ['conversations'],
        querystring: ListQuery,
        response: {
          200: Type.Object({ data: Type.Array(ConversationView), nextCursor: Type.Optional(Type.String()) }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { limit, fetch } = pageSize(q.limit);
      const beforeId = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await store.conversations.list(request.tenantId, {
        limit: fetch,
        ...(q.contactId ? { contactId: q.contactId } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
        ...(beforeId ? { beforeId } : {}),
      });
      return page(rows, limit, view);
    },
  );

  app.get(
    '/conversations/:id',
    {
      schema: {
        summary: 'A conversation with its events (opened, assigned, released, closed, forced sends)',
        tags: ['conversations'],
        params: Params,
        response: { 200: WithEvents, 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      const conversation = await store.conversations.get(request.tenantId, id);
      if (!conversation) throw new AppError('GW_NOT_FOUND', `No conversation ${id}`);
      const { tenantId: _tenant, ...rest } = conversation;
      return rest;
    },
  );

  const act = async (tenantId: string, id: string, action: ConversationAction) => {
    const result = await store.conversations.act(tenantId, id, action, now().toISOString());
    if (result.refused) {
      throw new AppError('GW_CONFLICT', `Conversation ${id}: ${result.refused}`, [
        { pointer: '/', rule: 'conversation_state', detail: result.refused },
      ]);
    }
    if (!result.conversation) throw new AppError('GW_NOT_FOUND', `No conversation ${id}`);
    return view(result.conversation);
  };
  const actionSchema = (summary: string) => ({
    summary,
    tags: ['conversations'],
    params: Params,
    response: { 200: ConversationView, 400: Problem, 404: Problem, 409: Problem },
  });

  app.post(
    '/conversations/:id/assign',
    {
      schema: {
        ...actionSchema('Give the conversation to an agent (automated sends then need force) or to the bot'),
        body: Assign,
      },
    },
    async (request) => {
      const { body } = request;
      return act(request.tenantId, request.params.id, {
        type: 'assign',
        owner: body.owner,
        ...(body.agentId ? { agentId: body.agentId } : {}),
      });
    },
  );
  app.post(
    '/conversations/:id/release',
    { schema: actionSchema('Leave the conversation without an owner') },
    async (request) => act(request.tenantId, request.params.id, { type: 'release' }),
  );
  app.post(
    '/conversations/:id/close',
    { schema: actionSchema('Close the conversation; the next message opens a new one') },
    async (request) => act(request.tenantId, request.params.id, { type: 'close' }),
  );
};
