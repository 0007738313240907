/**
 * The Konnek façade: `POST /{channel}/send/{clientID}` with `Auth-username` / `Auth-password`, as
 * Konnek documents it (seed 002), so that a Konnek client switches by changing its base URL and
 * credentials; and `GET /{channel}/status/{clientID}/{messageId}`, Omnigate's addition (the document
 * gives no status endpoint), answering with the same numbering. A request is translated
 * (translate.ts, reply.ts, addressing.ts) into one native send; every refusal, its own, the native
 * send's or Fastify's, answers in Konnek's `meta` shape. See docs/compat/konnek.md.
 *
 * Konnek's paths start with the channel, at the root: one route per Konnek channel, so that no
 * other root path (/v1, /webhooks, /sandbox, /line/1 …) can be taken for a channel name.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { CanonicalMessage, ChannelConnector, Store, StoredMessage } from '../../core/index.ts';
import { AppError, sendMessage } from '../../core/index.ts';
import { headerValue } from '../../lib/headers.ts';
import { compatTenantResolver } from '../credentials.ts';
import { ignoredDegradations, ignoredFields, lenient } from '../shared/ignored-fields.ts';
import type { CompatDeps } from '../types.ts';
import { accountFor, recipientFor } from './addressing.ts';
import { answer } from './answer.ts';
import {
  badRequest,
  fromAppError,
  type KonnekIssue,
  notFound,
  toKonnekError,
  unauthorized,
} from './errors.ts';
import { konnekField } from './fields.ts';
import { withMediaHeader } from './media-header.ts';
import { nativeShapeIssues } from './native-shape.ts';
import { withoutNulls } from './nulls.ts';
import { replyOptions } from './reply.ts';
import { Answer, ErrorAnswer, IDEMPOTENCY_PREFIX, SendParams, SendRequest, StatusParams } from './schema.ts';
import { konnekStatus } from './status.ts';
import { requestIssues, type Translation, translate } from './translate.ts';

/** Konnek's channel names and the native channels they are. */
export const KONNEK_CHANNELS = {
  whatsapp: 'whatsapp',
  telegram: 'telegram',
  line: 'line',
  facebook: 'messenger',
} as const;

const withoutIgnored = ignoredFields(SendRequest);
const ERRORS = { 400: ErrorAnswer, 401: ErrorAnswer, 404: ErrorAnswer, 500: ErrorAnswer } as const;
const CREDENTIAL_HEADERS = {
  type: 'object',
  properties: {
    'auth-username': { type: 'string', description: 'Your Konnek user name (a `konnek` compat credential).' },
    'auth-password': { type: 'string', description: 'Its password, or your Omnigate API key.' },
  },
} as const;

export const konnekFacade: FastifyPluginAsyncTypebox<CompatDeps> = async (app, deps) => {
  const { store } = deps.send;
  const resolveTenant = compatTenantResolver(store, deps.credentialHash, 'konnek');

  // Konnek speaks JSON only: a text/plain body is refused, not validated as a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error, request, reply) => {
    const refused = toKonnekError(error);
    if (refused.status >= 500) request.log.error({ err: error }, 'konnek façade request failed');
    return reply.code(refused.status).send(refused.body);
  });
  // Before the body is read: a client without valid credentials learns nothing about its body.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const username = headerValue(request.headers, 'auth-username') ?? '';
    const password = headerValue(request.headers, 'auth-password') ?? '';
    const tenant = username === '' ? undefined : await resolveTenant(username, password);
    if (!tenant) throw unauthorized();
    request.tenantId = tenant.id;
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) request.body = withoutNulls(request.body);
  });

  for (const [konnekChannel, channel] of Object.entries(KONNEK_CHANNELS)) {
    const connector = deps.send.connectors[channel];
    if (!connector) throw new Error(`the Konnek façade needs the ${channel} connector`);

    app.post(
      `/${konnekChannel}/send/:clientID`,
      {
        schema: {
          summary: `Konnek: send a ${konnekChannel} message`,
          description:
            `Konnek's \`POST /${konnekChannel}/send/{clientID}\`, answered by Omnigate (${connector.displayName}). ` +
            'Authenticate with `Auth-username` / `Auth-password` (a credential registered with POST ' +
            '/v1/compat-credentials `{vendor: "konnek", username, secret}`, or any user name with your Omnigate ' +
            'API key as the password). `clientID` is a channel account id or name. See docs/compat/konnek.md.',
          tags: ['konnek'],
          headers: CREDENTIAL_HEADERS,
          params: SendParams,
          body: lenient(SendRequest),
          response: {
            200: Answer,
            409: ErrorAnswer,
            413: ErrorAnswer,
            415: ErrorAnswer,
            422: ErrorAnswer,
            ...ERRORS,
          },
        },
      },
      async (request, reply) => {
        const { body, ignored } = withoutIgnored(request.body);
        const { clientID } = request.params;
        const { tenantId } = request;
        const accountId = await accountFor(store, tenantId, channel, clientID);

        const issues: KonnekIssue[] = requestIssues(body);
        const translation = translate(body);
        if ('issues' in translation) issues.push(...translation.issues);
        const replyTo = replyOptions(channel, body.reply_id);
        if ('issue' in replyTo) issues.push(replyTo.issue);
        const recipient = await recipientFor(store, tenantId, connector, accountId, body.recipient);
        if ('issue' in recipient) issues.push(recipient.issue);
        if ('issues' in translation || 'issue' in replyTo || 'issue' in recipient || issues.length > 0) {
          throw badRequest(issues);
        }

        const message = forChannel(connector, translation, replyTo.options);
        const outcome = await sendMessage(
          deps.send,
          tenantId,
          {
            channel,
            from: accountId,
            to: recipient.to,
            message,
            ...(replyTo.options ? { options: replyTo.options } : {}),
            correlationId: body.id,
            ...(ignored.length > 0 ? { degradations: ignoredDegradations('Konnek', ignored) } : {}),
          },
          // The client's own message id: a retry of the same message is answered, not sent again.
          IDEMPOTENCY_PREFIX + body.id,
        ).catch((error: unknown) => {
          throw error instanceof AppError ? fromAppError(error, translation.renames) : error;
        });
        if (!outcome.replayed) deps.onAccepted?.(false);
        const messageId = outcome.body.messages[0]?.id ?? '';
        // A retry learns where the message is now, not where it was when first accepted.
        const stored = outcome.replayed ? await store.messages.get(tenantId, messageId) : undefined;
        const status = stored ? konnekStatus(stored.status) : konnekStatus('queued');
        return reply.code(200).send(answer({ message_id: messageId, status, tid: body.id }));
      },
    );

    app.get(
      `/${konnekChannel}/status/:clientID/:messageId`,
      {
        schema: {
          summary: `Konnek: the status of a ${konnekChannel} message (Omnigate's addition)`,
          description:
            "Konnek's document gives no status endpoint; this one answers in the send's `meta` + `data` shape " +
            'with the same numbering (-3 Failed, -2 Undelivered, -1 Unsent, 0 Pending, 1 Sent, 2 Delivered, ' +
            "3 Read). `messageId` is the answer's `message_id` or the `id` you sent.",
          tags: ['konnek'],
          headers: CREDENTIAL_HEADERS,
          params: StatusParams,
          response: { 200: Answer, ...ERRORS },
        },
      },
      async (request) => {
        const { clientID, messageId } = request.params;
        const accountId = await accountFor(store, request.tenantId, channel, clientID);
        const message = await findMessage(store, request.tenantId, channel, accountId, messageId);
        if (!message) {
          throw notFound(
            'messageId',
            `no ${konnekChannel} message '${messageId}' was sent through '${clientID}'`,
          );
        }
        return answer({
          message_id: message.id,
          status: konnekStatus(message.status),
          tid: message.correlationId ?? message.id,
        });
      },
    );
  }
};

/** The message to send on this channel: the translation's, or a raw one for a media header. */
function forChannel(
  connector: ChannelConnector,
  translation: Translation,
  options: Record<string, unknown> | undefined,
): CanonicalMessage {
  const shape = nativeShapeIssues(connector, translation.message, options);
  if (shape.length > 0) throw badRequest(named(shape, translation));
  if (translation.mediaHeader === undefined || translation.message.type !== 'buttons')
    return translation.message;
  const result = withMediaHeader(connector, translation.message, translation.mediaHeader, options);
  if ('issue' in result) throw badRequest([result.issue]);
  if ('issues' in result) throw badRequest(named(result.issues, translation));
  return result.message;
}

const named = (issues: Array<{ pointer: string; detail: string }>, translation: Translation): KonnekIssue[] =>
  issues.map((i) => ({ field: konnekField(i.pointer, translation.renames), detail: i.detail }));

/** A message of this channel account by Omnigate id, else the newest with this correlation id. */
async function findMessage(
  store: Store,
  tenantId: string,
  channel: string,
  accountId: string,
  id: string,
): Promise<StoredMessage | undefined> {
  const ours = (m: StoredMessage | undefined) => m?.channel === channel && m.channelAccountId === accountId;
  const byId = await store.messages.get(tenantId, id);
  if (byId && ours(byId)) return byId;
  const byCorrelation = await store.messages.list(tenantId, { correlationId: id, channel, limit: 100 });
  return byCorrelation.find(ours);
}
