/**
 * /v1/account: who the API key belongs to, and the secret that signs its status callbacks.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Store } from '../../core/ports/store.ts';
import { generateWebhookSecret } from '../../lib/crypto.ts';

export const accountRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/account',
    {
      schema: {
        summary: 'The tenant of this API key and its callback signing secret',
        description:
          'Status callbacks are signed per Standard Webhooks with `callbackSigningSecret` (verify with any ' +
          'Standard Webhooks library: HMAC-SHA256 over `webhook-id.webhook-timestamp.body`).',
        tags: ['account'],
        response: {
          200: Type.Object({ tenantId: Type.String(), callbackSigningSecret: Type.String() }),
        },
      },
    },
    async (request) => ({
      tenantId: request.tenantId,
      callbackSigningSecret: await store.tenants.callbackSecret(request.tenantId, generateWebhookSecret),
    }),
  );
};
