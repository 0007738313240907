/**
 * Webhook subscriptions: endpoints that receive the status events of every message of the tenant
 * (or the event types they name), signed per Standard Webhooks with the endpoint's own secret.
 * Secrets rotate with an overlap; a 410 from the receiver disables the endpoint; each endpoint
 * has a delivery log, and deliveries can be replayed.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Store, WebhookEndpoint } from '../../core/ports/store.ts';
import { EVENT_TYPES } from '../../core/vocabulary/callback-events.ts';
import { AppError, validationError } from '../../core/vocabulary/errors.ts';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { NoContent } from '../../http/no-content.ts';
import { generateWebhookSecret } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import type { DestinationGuard } from '../../lib/ssrf-guard.ts';
import { instant } from './message-view.ts';
import { decodeCursor, PageLimit, page, pageSize } from './pagination.ts';

const Problem = Type.Ref('Problem');

const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
const Events = Type.Array(StringEnum(EVENT_TYPES), {
  minItems: 1,
  uniqueItems: true,
  description: 'Event types to receive (`message.delivered`, ...), or `*` for all.',
});

const CreateWebhook = Type.Object(
  { url: Url, events: Type.Optional(Events), description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const UpdateWebhook = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    enabled: Type.Optional(
      Type.Boolean({ description: 'Re-enable an endpoint disabled by a 410, or pause one.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Rotate = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86_400,
        description: 'How long the old secret keeps signing alongside the new one; 24 h by default.',
      }),
    ),
  },
  { additionalProperties: false },
);
const Replay = Type.Object(
  {
    deliveryIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Page = Type.Object(
  {
    limit: PageLimit,
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

const EndpointView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Optional(Type.String()),
  events: Type.Array(Type.String()),
  state: StringEnum(['enabled', 'disabled']),
  disabledReason: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const WithSecret = Type.Object({
  ...EndpointView.properties,
  secret: Type.String({ description: 'The signing secret, shown once.' }),
});
const DeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String({ description: 'The `webhook-id` the receiver saw.' }),
  messageId: Type.String(),
  state: Type.String(),
  attempts: Type.Integer(),
  lastStatus: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Type.String()),
  payload: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const view = (e: WebhookEndpoint) => {
  const { tenantId: _tenant, ...rest } = e;
  return rest;
};

export const webhookRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  now: () => Date;
  destinationGuard?: DestinationGuard;
  onReplayed?: () => void;
}> = async (app, { store, now, destinationGuard, onReplayed }) => {
  const checkUrl = (url: string | undefined) => {
    const refused = url !== undefined ? destinationGuard?.urlRefusal(url) : undefined;
    if (refused) throw validationError([{ pointer: '/url', rule: 'public_address', detail: refused }]);
  };
  const found = async (tenantId: string, id: string) => {
    const endpoint = await store.webhooks.get(tenantId, id);
    if (!endpoint) throw new AppError('GW_NOT_FOUND', `No webhook endpoint ${id}`);
    return endpoint;
  };

  app.post(
    '/webhooks',
    {
      schema: {
        summary: 'Subscribe an endpoint to status events',
        tags: ['webhooks'],
        body: CreateWebhook,
        response: { 201: WithSecret, 400: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkUrl(body.url);
      const secret = generateWebhookSecret();
      const at = now().toISOString();
      const id = newId('wh');
      await store.webhooks.create(
        {
          id,
          tenantId: request.tenantId,
          url: body.url,
          events: body.events ?? ['*'],
          createdAt: at,
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
        secret,
      );
      return reply.code(201).send({ ...view(await found(request.tenantId, id)), secret });
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        summary: 'Webhook endpoints',
        tags: ['webhooks'],
        response: { 200: Type.Object({ data: Type.Array(EndpointView) }) },
      },
    },
    async (request) => ({ data: (await store.webhooks.list(request.tenantId)).map(view) }),
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        summary: 'A webhook endpoint',
        tags: ['webhooks'],
        params: Params,
        response: { 200: EndpointView, 404: Problem },
      },
    },
    async (request) => view(await found(request.tenantId, request.params.id)),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        summary: 'Change, pause or re-enable a webhook endpoint',
        tags: ['webhooks'],
        params: Params,
        body: UpdateWebhook,
        response: { 200: EndpointView, 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      const body = request.body;
      checkUrl(body.url);
      const { id } = request.params;
      const updated = await store.webhooks.update(request.tenantId, id, body, now().toISOString());
      if (!updated) throw new AppError('GW_NOT_FOUND', `No webhook endpoint ${id}`);
      return view(updated);
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        summary: 'Remove a webhook endpoint',
        tags: ['webhooks'],
        params: Params,
        response: {
          204: NoContent('Removed; its pending deliveries are dropped.'),
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await store.webhooks.delete(request.tenantId, id))) {
        throw new AppError('GW_NOT_FOUND', `No webhook endpoint ${id}`);
      }
      return reply.code(204).send();
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        summary: 'Issue a new signing secret; the old one keeps signing during the grace period',
        tags: ['webhooks'],
        params: Params,
        body: Rotate,
        response: {
          200: Type.Object({ secret: Type.String(), previousSecretExpiresAt: Type.String() }),
          404: Problem,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { graceSeconds = 86_400 } = request.body ?? {};
      const secret = generateWebhookSecret();
      const previousSecretExpiresAt = new Date(now().getTime() + graceSeconds * 1000).toISOString();
      if (!(await store.webhooks.rotateSecret(request.tenantId, id, secret, previousSecretExpiresAt))) {
        throw new AppError('GW_NOT_FOUND', `No webhook endpoint ${id}`);
      }
      return { secret, previousSecretExpiresAt };
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        summary: "An endpoint's delivery log, newest first",
        tags: ['webhooks'],
        params: Params,
        querystring: Page,
        response: {
          200: Type.Object({ data: Type.Array(DeliveryView), nextCursor: Type.Optional(Type.String()) }),
          404: Problem,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await found(request.tenantId, id);
      const q = request.query;
      const { limit, fetch } = pageSize(q.limit);
      const beforeId = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await store.webhooks.deliveries(request.tenantId, id, {
        limit: fetch,
        ...(beforeId ? { beforeId } : {}),
      });
      return page(rows, limit, (r) => r);
    },
  );

  app.post(
    '/webhooks/:id/replay',
    {
      schema: {
        summary: 'Deliver past events to an endpoint again (same webhook-id, fresh signature)',
        tags: ['webhooks'],
        params: Params,
        body: Replay,
        response: { 202: Type.Object({ replayed: Type.Integer() }), 400: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await found(request.tenantId, id);
      const body = request.body;
      const replayed = await store.webhooks.replay(
        request.tenantId,
        id,
        {
          ...(body.deliveryIds ? { deliveryIds: body.deliveryIds } : {}),
          ...(body.since ? { since: instant(body.since, 'since') } : {}),
          ...(body.until ? { until: instant(body.until, 'until') } : {}),
        },
        now().toISOString(),
      );
      if (replayed > 0) onReplayed?.();
      return reply.code(202).send({ replayed });
    },
  );
};
