/**
 * The Infobip LINE façade: `POST /line/1/single` with HTTP Basic, as Infobip documents it (seed
 * 004), so that an Infobip client switches by changing its base URL and credentials. It resolves
 * the credentials, `from` and `to`, translates the message (translate.ts) and hands it to the
 * native send path; every refusal, its own or Fastify's, answers in Infobip's error shape.
 * Mounted under the prefix `/line/1`, so the 404 handler here only covers Infobip's paths.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, sendMessage } from '../../core/index.ts';
import { newId } from '../../lib/ids.ts';
import { compatTenantResolver } from '../credentials.ts';
import { ignoredDegradations, ignoredFields, lenient } from '../shared/ignored-fields.ts';
import type { CompatDeps } from '../types.ts';
import { accountFor, PHONE_NUMBER as PHONE, recipientFor } from './addressing.ts';
import { accepted, rejectedDestination } from './answer.ts';
import { basicCredentials } from './basic-auth.ts';
import { badRequest, fromAppError, toInfobipError, unauthorized } from './errors.ts';
import { ErrorResponse, SingleRequest, SingleResponse } from './schema.ts';
import { translate } from './translate.ts';

export const INFOBIP_PREFIX = '/line/1';
const withoutIgnored = ignoredFields(SingleRequest);

export const infobipFacade: FastifyPluginAsyncTypebox<CompatDeps> = async (app, deps) => {
  const line = deps.send.connectors['line'];
  if (!line) throw new Error('the Infobip LINE façade needs the LINE connector');
  const resolveTenant = compatTenantResolver(deps.send.store, deps.credentialHash, 'infobip');

  // Infobip speaks JSON only: a text/plain body is refused, not validated as a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error, request, reply) => {
    const answer = toInfobipError(error);
    if (answer.status >= 500) request.log.error({ err: error }, 'infobip façade request failed');
    if (answer.status === 401) reply.header('www-authenticate', 'Basic realm="omnigate", charset="UTF-8"');
    return reply.code(answer.status).send(answer.body);
  });
  // Before the body is read: a client without valid credentials learns nothing about its body.
  app.addHook('onRequest', async (request) => {
    const credentials = basicCredentials(request.headers.authorization);
    const tenant = credentials && (await resolveTenant(credentials.user, credentials.password));
    if (!tenant) throw unauthorized();
    request.tenantId = tenant.id;
  });

  app.post(
    '/single',
    {
      schema: {
        summary: 'Infobip LINE: send a single message',
        description:
          "Infobip's `POST /line/1/single`, answered by Omnigate: authenticate with HTTP Basic (a credential " +
          'registered with POST /v1/compat-credentials `{vendor: "infobip", username, secret}`, or any user name ' +
          'with your Omnigate API key as the password). `from` is a LINE channel account id or name, `to` a ' +
          "contact's `infobip` identity or a LINE user id. See docs/compat/infobip.md.",
        tags: ['infobip'],
        body: lenient(SingleRequest),
        response: { 200: SingleResponse, 400: ErrorResponse, 401: ErrorResponse, 500: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { body, ignored } = withoutIgnored(request.body);
      const { store } = deps.send;
      const accountId = await accountFor(store, request.tenantId, body.from);
      const to = await recipientFor(store, request.tenantId, accountId, body.to);
      if (to === 'unknown phone') return reply.code(200).send(rejectedDestination(body.to, newId('msg')));
      const translation = translate(body.message, line);
      if (translation.issues.length > 0) throw badRequest(translation.issues, translation.renames);
      const outcome = await sendMessage(deps.send, request.tenantId, {
        channel: 'line',
        from: accountId,
        to,
        message: translation.message,
        ...(ignored.length > 0 ? { degradations: ignoredDegradations('Infobip LINE', ignored) } : {}),
      }).catch((error: unknown) => {
        // A phone number whose contact has no LINE identity is as unroutable as one nobody has.
        if (error instanceof AppError && error.code === 'GW_CONTACT_UNREACHABLE' && PHONE.test(body.to)) {
          return 'unknown phone' as const;
        }
        throw error instanceof AppError ? fromAppError(error, translation.renames) : error;
      });
      if (outcome === 'unknown phone')
        return reply.code(200).send(rejectedDestination(body.to, newId('msg')));
      if (!outcome.replayed) deps.onAccepted?.(false);
      return reply.code(200).send(accepted(body.to, outcome));
    },
  );
};
