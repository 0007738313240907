/**
 * The Webex Connect façade: `POST /resources/v1/messaging` with the service `key` header, as a
 * Webex Connect Messaging API v1 client sends it, answered in Webex's codes and shape. A client
 * switches by pointing its base URL at Omnigate and its `key` at an Omnigate credential
 * (POST /v1/compat-credentials {vendor: "webex", secret}, or the tenant's API key).
 *
 * The request is translated (translate*.ts, destinations.ts) into native sends, one per group of
 * recipients sharing a correlation id; the native outcome becomes one answer entry per recipient.
 * No rule of its own lives here: what is refused is refused by the native send.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AppError, sendMessage } from '../../core/index.ts';
import { headerValue } from '../../lib/headers.ts';
import { compatTenantResolver } from '../credentials.ts';
import { ignoredDegradations, ignoredFields, lenient } from '../shared/ignored-fields.ts';
import type { CompatDeps } from '../types.ts';
import {
  errorBody,
  httpStatusOf,
  queuedEntry,
  type ResponseEntry,
  refusal,
  refusedEntry,
  type WebexError,
  worded,
} from './answer.ts';
import { accountOfApp } from './app.ts';
import { countDestinations, kindsOf, resolveDestinations, type SendUnit } from './destinations.ts';
import { fromAppError, toWebexError } from './errors.ts';
import { type FieldMapper, firstOf } from './fields.ts';
import { WebexAnswer, type WebexRequest, WebexRequest as WebexRequestSchema } from './schema.ts';
import { planSend, targetOf } from './translate.ts';

export const WEBEX_MESSAGING_PATH = '/resources/v1/messaging';
const MAX_DESTINATIONS = 1000;
const MAX_CORRELATION_BYTES = 50;
const withoutIgnored = ignoredFields(WebexRequestSchema);

export const webexFacade: FastifyPluginAsyncTypebox<CompatDeps> = async (app, deps) => {
  const tenantFor = compatTenantResolver(deps.send.store, deps.credentialHash, 'webex');

  app.setErrorHandler((error, request, reply) => {
    const refused = toWebexError(error);
    if (httpStatusOf(refused) >= 500) request.log.error({ err: error }, 'webex façade request failed');
    return reply.code(httpStatusOf(refused)).send(errorBody(refused));
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const key = headerValue(request.headers, 'key');
    if (key === undefined || key.trim() === '') throw refusal('keyMissing');
    const tenant = await tenantFor('', key.trim());
    if (tenant === undefined) throw refusal('authenticationFailed');
    request.tenantId = tenant.id;
  });

  app.post(
    WEBEX_MESSAGING_PATH,
    {
      schema: {
        summary: 'Webex Connect Messaging API v1: send to up to 1000 destinations',
        description:
          'A Webex Connect client points its base URL here. Authenticate with the `key` header (a webex ' +
          'compat credential or the tenant API key). deliverychannel fb goes to Messenger, whatsapp to ' +
          'WhatsApp; sms, voice, push, rt, appmessaging and AppleBusinessChat answer 7007 until Omnigate ' +
          'has those channels. Notifications go to `notifyurl` in Webex Connect’s shape. See docs/compat/webex.md.',
        tags: ['webex'],
        headers: {
          type: 'object',
          properties: { key: { type: 'string', description: 'The service key.' } },
        },
        body: lenient(WebexRequestSchema),
        response: { 200: WebexAnswer },
      },
    },
    async (request, reply) => {
      const { body, ignored } = withoutIgnored(request.body);
      const target = targetOf(body.deliverychannel);
      const count = countDestinations(body.destination);
      if (count > MAX_DESTINATIONS) {
        throw refusal('tooManyDestinations', `${count} recipients; at most ${MAX_DESTINATIONS} per request`);
      }
      if (count === 0 || body.destination.some((entry) => kindsOf(entry).every((k) => !entry[k]?.length))) {
        throw worded(
          'mandatoryMissing',
          'any one of [customerid,msisdn,email,userid,pushid,psid,waid] is mandatory',
        );
      }
      checkCorrelationIds(body);

      const from = await accountOfApp(deps.send.store, request.tenantId, target, body.appid);
      const plan = await planSend(deps.send, request.tenantId, body, target, from);
      if (ignored.length > 0) plan.command.degradations = ignoredDegradations('Webex Connect', ignored);
      const resolution = await resolveDestinations(
        deps.send.store,
        request.tenantId,
        target,
        body.destination,
        body.correlationid,
      );
      const entries: Array<ResponseEntry | undefined> = new Array(resolution.count);
      let firstRefusal: WebexError | undefined;
      for (const { recipient, error } of resolution.refused) {
        entries[recipient.index] = refusedEntry(error, recipient.correlationId);
        firstRefusal ??= error;
      }
      // Concurrent, so that the sends' writes share group commits.
      const outcomes = await Promise.all(
        resolution.units.map(async (unit) => {
          try {
            const outcome = await sendMessage(deps.send, request.tenantId, {
              ...plan.command,
              to: unit.to,
              ...(unit.correlationId !== undefined ? { correlationId: unit.correlationId } : {}),
            });
            return { unit, ids: outcome.body.messages.map((m) => m.id) };
          } catch (error) {
            if (!(error instanceof AppError)) {
              // Other units may have been stored already: report this one as failed and the
              // stored ones as queued, so a retry of the request does not send them twice.
              request.log.error({ err: error }, 'webex façade: a recipient group failed');
              return { unit, error: refusal('internalError') };
            }
            return { unit, error: fromAppError(error, firstOf(recipientFields(unit), plan.fields)) };
          }
        }),
      );
      let accepted = false;
      for (const o of outcomes) {
        o.unit.recipients.forEach((r, i) => {
          const id = o.ids?.[i];
          if (id !== undefined) entries[r.index] = queuedEntry(id, r.correlationId);
          else if (o.error !== undefined) entries[r.index] = refusedEntry(o.error, r.correlationId);
        });
        if (o.ids !== undefined) accepted = true;
        else firstRefusal ??= o.error;
      }
      if (!accepted) throw firstRefusal ?? refusal('internalError');
      deps.onAccepted?.(plan.command.callbackUrl !== undefined);
      return reply.code(200).send({ response: entries.filter((e) => e !== undefined) });
    },
  );
};

/** `/to/N` of a unit's native command is the N-th recipient of the unit, as the client wrote it. */
function recipientFields(unit: SendUnit): FieldMapper {
  return (pointer) => {
    if (pointer === '/to' || pointer === '/to/contactId') return unit.recipients[0]?.field;
    const n = /^\/to\/([0-9]+)$/.exec(pointer)?.[1];
    return n === undefined ? undefined : unit.recipients[Number(n)]?.field;
  };
}

function checkCorrelationIds(body: WebexRequest): void {
  const ids: Array<[string, string | undefined]> = [
    ['correlationid', body.correlationid],
    ...body.destination.map((d, i): [string, string | undefined] => [
      `destination[${i}].correlationid`,
      d.correlationid,
    ]),
  ];
  for (const [field, id] of ids) {
    if (id !== undefined && Buffer.byteLength(id, 'utf8') > MAX_CORRELATION_BYTES) {
      throw refusal('invalidParameters', `${field} is over ${MAX_CORRELATION_BYTES} bytes`);
    }
  }
}
