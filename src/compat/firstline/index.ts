/**
 * The FIRST LINE façade: `POST /api/v1/message/push` as FIRST LINE documents it (seeds 000, 001),
 * translated into one native send. A FIRST LINE client changes only its base URL and sends
 * `Authorization: Bearer <secret>` (a registered `firstline` compat credential, or the tenant's
 * Omnigate API key). See docs/compat/firstline.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import type { CanonicalMessage, MessageOf } from '../../core/index.ts';
import { AppError, sendMessage, validationError } from '../../core/index.ts';
import { compatTenantResolver } from '../credentials.ts';
import { ignoredDegradations, ignoredFields } from '../shared/ignored-fields.ts';
import type { CompatDeps } from '../types.ts';
import { channelOf, recipientOf } from './contactable.ts';
import { FirstLineError, fromAppError, fromFastifyError, fromValidation } from './errors.ts';
import { carouselFlex, checkFlexCarousel, imageCarouselFlex } from './line-flex.ts';
import { PathMap } from './paths.ts';
import { Accepted, PushRequest, Refused } from './schema.ts';
import { toCanonical } from './translate.ts';

const FORCED: ReadonlySet<unknown> = new Set([1, '1', true]);
/** Laravel reads only the fields it asks for: the others are ignored, and recorded here. */
const withoutIgnored = ignoredFields(PushRequest);

export const firstLineFacade: FastifyPluginAsyncTypebox<CompatDeps> = async (app, deps) => {
  const tenantOf = compatTenantResolver(deps.send.store, deps.credentialHash, 'firstline');
  // FIRST LINE clients send JSON; a text/plain body is a 415 rather than a string to validate.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const tenant = match ? await tenantOf('', match[1] as string) : undefined;
    if (!tenant) throw FirstLineError.unauthenticated();
    request.tenantId = tenant.id;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer =
      error instanceof FirstLineError
        ? error
        : error.validation
          ? fromValidation(error.validation, request.body)
          : error instanceof AppError
            ? fromAppError(error, new PathMap())
            : fromFastifyError(error);
    if (answer.status >= 500) request.log.error({ err: error }, 'FIRST LINE push failed');
    return reply.code(answer.status).send(answer.body);
  });

  app.post(
    '/api/v1/message/push',
    {
      schema: {
        summary: 'FIRST LINE: push a message to a contact',
        description:
          "FIRST LINE's PUSH API, answered as FIRST LINE does (`200 {}`). Authenticate with " +
          '`Authorization: Bearer <secret>`: a `firstline` credential from POST /v1/compat-credentials, or the ' +
          "Omnigate API key. Errors come in Laravel's shape: 422 `{message, errors}` naming the request's own " +
          'fields, 401 `{"message":"Unauthenticated."}`.',
        tags: ['FIRST LINE'],
        body: PushRequest,
        response: { 200: Accepted, 401: Refused, 413: Refused, 415: Refused, 422: Refused },
      },
    },
    async (request, reply) => {
      // The schema's `allOf` ties `message` to `type` (if/then), which its static type cannot
      // express; PushRequest is that pairing written out.
      const { body, ignored } = withoutIgnored(request.body as PushRequest);
      const channel = channelOf(body.contactable_type, deps.send.connectors);
      const { message: canonical, paths } = toCanonical(body);
      try {
        const message = channel === 'line' ? forLine(body, canonical, paths) : canonical;
        const recipient = await recipientOf(
          deps.send.store,
          request.tenantId,
          channel,
          String(body.contactable_id),
        );
        const outcome = await sendMessage(deps.send, request.tenantId, {
          channel,
          ...(recipient.from !== undefined ? { from: recipient.from } : {}),
          to: recipient.to,
          message,
          force: FORCED.has(body.is_force),
          ...(ignored.length > 0 ? { degradations: ignoredDegradations('FIRST LINE', ignored) } : {}),
        });
        if (!outcome.replayed) deps.onAccepted?.(false);
      } catch (error) {
        if (error instanceof AppError) throw fromAppError(error, paths);
        throw error;
      }
      return reply.code(200).send({});
    },
  );
};

/**
 * On LINE, carousels go as Flex bodies that keep FIRST LINE's alt text and every colour
 * (line-flex.ts says why); everything else is the canonical message.
 */
function forLine(body: PushRequest, canonical: CanonicalMessage, paths: PathMap): CanonicalMessage {
  if (body.type !== 'carousel' && body.type !== 'image_carousel') return canonical;
  const carousel = canonical as MessageOf<'carousel'>;
  paths.set('/message/altText', 'message.alt_text');
  const issues = checkFlexCarousel(carousel, body.message.alt_text, body.type === 'image_carousel');
  if (issues.length > 0) throw validationError(issues);
  const payload =
    body.type === 'image_carousel'
      ? imageCarouselFlex(body.message, carousel)
      : carouselFlex(body.message, carousel);
  return { type: 'raw', payload };
}
