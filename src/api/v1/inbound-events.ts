/**
 * /v1/inbound-events: what people sent back (replies, postbacks) and other provider events.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Store } from '../../core/ports/store.ts';

export const inboundEventRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/inbound-events',
    {
      schema: {
        summary: 'Inbound events (user messages, postbacks, receipts), newest first',
        tags: ['inbound'],
        querystring: Type.Object(
          {
            channelAccountId: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                channelAccountId: Type.String(),
                providerEventId: Type.Optional(Type.String()),
                kind: Type.String(),
                from: Type.Optional(Type.String()),
                event: Type.Unknown(),
                receivedAt: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      return {
        data: await store.inbound.list(request.tenantId, {
          limit: q.limit ? Number(q.limit) : 50,
          ...(q.channelAccountId ? { channelAccountId: q.channelAccountId } : {}),
        }),
      };
    },
  );
};
