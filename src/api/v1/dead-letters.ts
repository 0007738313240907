/**
 * Dead letters: messages that ended `failed` (attempts exhausted or a permanent provider refusal),
 * each with its last error and its full attempt log on GET /v1/messages/:id. A redrive puts them
 * back in the queue under the same id, so the caller's handle on each message stays valid.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Store } from '../../core/ports/store.ts';
import { MessageView } from './message-schemas.ts';
import { decodeMessageCursor, instant, view } from './message-view.ts';
import { PageLimit, page, pageSize } from './pagination.ts';

const Problem = Type.Ref('Problem');

const DeadLetterQuery = Type.Object(
  {
    channel: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    limit: PageLimit,
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const RedriveRequest = Type.Object(
  {
    messageIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
      description: 'Failed messages to send again (GET /v1/dead-letters lists them).',
    }),
    includeMaybeSent: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Also resend messages that failed `maybe_sent`: an earlier attempt may have reached the provider, ' +
          'so the person may get them twice (except on LINE, whose retry key the resend keeps). Skipped otherwise.',
      }),
    ),
  },
  { additionalProperties: false },
);

const RedriveResponse = Type.Object({
  redriven: Type.Array(Type.String(), { description: 'Requeued under their own ids.' }),
  skipped: Type.Array(
    Type.Object({
      id: Type.String(),
      code: Type.Union([Type.Literal('not_found'), Type.Literal('not_failed'), Type.Literal('maybe_sent')]),
      reason: Type.String(),
    }),
    {
      description:
        'Not requeued, and why: unknown (`not_found`), not failed (`not_failed`: already redriven, or never ' +
        'failed), or maybe already delivered (`maybe_sent`, without `includeMaybeSent`).',
    },
  ),
});

export const deadLetterRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  now: () => Date;
  onRedriven?: () => void;
}> = async (app, { store, now, onRedriven }) => {
  app.get(
    '/dead-letters',
    {
      schema: {
        summary: 'Messages that ended failed, newest first, with their last error',
        tags: ['dead letters'],
        querystring: DeadLetterQuery,
        response: {
          200: Type.Object({ data: Type.Array(MessageView), nextCursor: Type.Optional(Type.String()) }),
          400: Problem,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { limit, fetch } = pageSize(q.limit);
      const rows = await store.messages.list(request.tenantId, {
        limit: fetch,
        status: 'failed',
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.since ? { since: instant(q.since, 'since') } : {}),
        ...(q.until ? { until: instant(q.until, 'until') } : {}),
        ...(q.cursor ? { beforeId: decodeMessageCursor(q.cursor) } : {}),
      });
      return page(rows, limit, (m) => view(m));
    },
  );

  app.post(
    '/dead-letters/redrive',
    {
      schema: {
        summary: 'Send failed messages again, under the same ids',
        description:
          'Each listed message that is `failed` goes back to `queued` (a `redriven` event and a status callback ' +
          'record it) with a fresh attempt budget; the provider request is the stored one, so a provider that ' +
          'deduplicates (LINE retry keys) still sees the same key. Messages that are not failed are skipped, and so ' +
          'are those that failed `maybe_sent` (the provider may already have them) unless `includeMaybeSent` is true.',
        tags: ['dead letters'],
        body: RedriveRequest,
        response: { 200: RedriveResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { messageIds, includeMaybeSent = false } = request.body;
      const redriven = await store.messages.redrive(request.tenantId, messageIds, now().toISOString(), {
        includeMaybeSent,
      });
      if (redriven.length > 0) onRedriven?.();
      const done = new Set(redriven);
      const skipped = await Promise.all(
        messageIds
          .filter((id) => !done.has(id))
          .map(async (id) => {
            const m = await store.messages.get(request.tenantId, id);
            if (!m) return { id, code: 'not_found' as const, reason: 'no such message' };
            // The store skips a failed message only when it failed maybe_sent.
            if (m.status === 'failed') {
              return {
                id,
                code: 'maybe_sent' as const,
                reason:
                  'an earlier attempt may have reached the provider, so a resend could deliver it twice; ' +
                  'redrive with includeMaybeSent: true to send it anyway',
              };
            }
            return { id, code: 'not_failed' as const, reason: `the message is ${m.status}, not failed` };
          }),
      );
      return { redriven, skipped };
    },
  );
};
