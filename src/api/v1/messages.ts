/**
 * /v1/messages: send, fetch one (with its events and the exact provider request), list.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../core/idempotency.ts';
import { previewMessage } from '../../core/preview-message.ts';
import { type SendDeps, sendMessage } from '../../core/send-message.ts';
import { sendTellsQueued } from '../../core/vocabulary/callback-events.ts';
import { AppError } from '../../core/vocabulary/errors.ts';
import {
  ListQuery,
  MessageView,
  PreviewResponse,
  previewRequestSchema,
  SendResponse,
  sendRequestSchema,
} from './message-schemas.ts';
import { decodeMessageCursor, instant, view } from './message-view.ts';
import { page, pageSize } from './pagination.ts';

export interface MessagesRouteOptions {
  deps: SendDeps;
  /** Called after messages are accepted, to wake the workers (the notifier only if the accept wrote a callback). */
  onAccepted?: (withCallbacks: boolean) => void;
}

const Problem = Type.Ref('Problem');

export const messagesRoutes: FastifyPluginAsyncTypebox<MessagesRouteOptions> = async (
  app,
  { deps, onAccepted },
) => {
  const SendRequest = sendRequestSchema(deps.connectors);
  const PreviewRequest = previewRequestSchema(deps.connectors);
  app.post(
    '/messages',
    {
      schema: {
        summary: 'Send a message to one recipient or up to 1000',
        description:
          'Validates the message against the channel, renders it for the provider and stores it with its dispatch ' +
          'job in one transaction before answering 202. Send an `Idempotency-Key` header to make retries safe.',
        tags: ['messages'],
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH }),
          ),
        }),
        body: SendRequest,
        response: {
          202: SendResponse,
          400: Problem,
          401: Problem,
          409: Problem,
          413: Problem,
          415: Problem,
          422: Problem,
        },
      },
      // `message: { template, parameters }` needs no `type`: it can only be a stored template.
      // Before validation the body is whatever was sent, not yet the schema's type: hence the casts.
      preValidation: async (request) => {
        const message = (request.body as { message?: unknown } | undefined)?.message;
        if (
          message !== null &&
          typeof message === 'object' &&
          !('type' in message) &&
          'template' in message
        ) {
          (message as unknown as { type: string }).type = 'stored_template';
        }
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const outcome = await sendMessage(deps, request.tenantId, request.body, key);
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      // The accept wrote a callback only if the send asked to hear of `queued`.
      else
        onAccepted?.(request.body.callbackUrl !== undefined && sendTellsQueued(request.body.callbackEvents));
      return reply.code(outcome.statusCode as 202).send(outcome.body);
    },
  );

  app.post(
    '/messages/preview',
    {
      schema: {
        summary: 'Preview the exact provider request of a send, per channel, without sending',
        description:
          'Takes the body of a send. With `channel`, answers as a send would (the same 400/422 for what the ' +
          'channel refuses) and gives the provider request for each recipient with its degradations, as the ' +
          "account the send would use sends it (Viber's `sender`), secrets left out or as placeholders. Without " +
          '`channel`, gives every channel side by side: `native`, `degraded` (with what changed), `refused` ' +
          '(with why) or `invalid` (with the errors a send would get). Nothing is stored or sent.',
        tags: ['messages'],
        body: PreviewRequest,
        response: {
          200: PreviewResponse,
          400: Problem,
          401: Problem,
          413: Problem,
          415: Problem,
          422: Problem,
        },
      },
    },
    async (request) => ({
      previews: await previewMessage(deps, request.tenantId, request.body),
    }),
  );

  app.get(
    '/messages/:id',
    {
      schema: {
        summary: 'A message: status, status events, and the exact provider request',
        tags: ['messages'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: MessageView, 404: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      const message = await deps.store.messages.get(request.tenantId, id);
      if (!message) throw new AppError('GW_NOT_FOUND', `No message ${id}`);
      return view(message, await deps.store.messages.events(request.tenantId, id));
    },
  );

  app.get(
    '/messages',
    {
      schema: {
        summary: 'List messages, newest first, with filters and cursor pagination',
        tags: ['messages'],
        querystring: ListQuery,
        response: {
          200: Type.Object({ data: Type.Array(MessageView), nextCursor: Type.Optional(Type.String()) }),
          400: Problem,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { limit, fetch } = pageSize(q.limit);
      const since = q.since ? instant(q.since, 'since') : undefined;
      const until = q.until ? instant(q.until, 'until') : undefined;
      const rows = await deps.store.messages.list(request.tenantId, {
        limit: fetch,
        ...(q.status ? { status: q.status } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.correlationId ? { correlationId: q.correlationId } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(q.cursor ? { beforeId: decodeMessageCursor(q.cursor) } : {}),
      });
      return page(rows, limit, (m) => view(m));
    },
  );
};
