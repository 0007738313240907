/**
 * The strict Send API emulator, shared by Messenger and Instagram (the profile says which), a
 * Fastify plugin the core mounts at /sandbox/<channel>. `POST /{version}/me/messages` (or
 * `/{version}/{account id}/messages`) with the token as `Authorization: Bearer` or `access_token`,
 * validated (validator.ts), answered with Meta's success body or Graph error envelope, recorded;
 * after a send it posts the provider's receipts, signed, to the account's webhook URL. It can
 * play a user: POST /_simulate/message.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { headerValue, secretsEqual } from '../../../../lib/headers.ts';
import { isObj, type Obj } from '../../../../lib/json.ts';
import { receiptSchedule } from '../../../../sandbox/receipts.ts';
import { BEARER_REDACTED, redactHeaders, requestsRoute } from '../../../../sandbox/recorder.ts';
import { noWebhookUrl, problem, webhookUnreachable } from '../../../../sandbox/simulate.ts';
import type { SandboxOptions } from '../../../../sandbox/types.ts';
import type { EmulatorProfile } from './profile.ts';
import { type GraphAnswer, graphError, SandboxRecipients } from './recipients.ts';
import { createSendApiValidator, type SendApiValidator } from './validator.ts';
import { parseSimulateInput, postSigned, receiptEvents, simulatedEvent, webhookBody } from './webhook.ts';

const validators = new WeakMap<EmulatorProfile, SendApiValidator>();

/**
 * Compiled on first use and kept, once per profile per process: the schema does not change while
 * it runs, and a process that never mounts the emulator never pays for compiling it.
 */
export function sendApiValidator(profile: EmulatorProfile): SendApiValidator {
  let validator = validators.get(profile);
  if (validator === undefined) {
    validator = createSendApiValidator(profile);
    validators.set(profile, validator);
  }
  return validator;
}

export function sendApiSandbox(profile: EmulatorProfile): FastifyPluginAsync<SandboxOptions> {
  const channel = profile.flavor.name;

  return async (app, opts) => {
    // Compiled at the first request, not at mount: a gateway starts in well under a second.
    const validate: SendApiValidator = (body) => sendApiValidator(profile)(body);
    const token = opts.credentials[profile.tokenKey] ?? profile.defaultCredentials[profile.tokenKey] ?? '';
    const appSecret = opts.credentials['appSecret'] ?? profile.defaultCredentials['appSecret'] ?? '';
    const recipients = new SandboxRecipients();
    const receipts = receiptSchedule(app);

    // Graph answers malformed JSON in its own envelope, so the raw bytes come to the handler.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const send = async (
      req: FastifyRequest<{ Params: { version: string; account?: string }; Querystring: Obj }>,
    ): Promise<{ answer: GraphAnswer; body: unknown }> => {
      const { version, account } = req.params;
      if (!/^v[0-9]+\.[0-9]+$/.test(version)) {
        return { answer: graphError(400, 2500, `Unknown path components: /${version}`), body: undefined };
      }
      if (account !== undefined && account !== 'me' && account !== profile.accountId) {
        return {
          answer: graphError(
            400,
            100,
            `(#100) Unsupported post request. Object with ID '${account}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
            { type: 'GraphMethodException' },
          ),
          body: undefined,
        };
      }
      const bearer = headerValue(req.headers, 'authorization')?.replace(/^Bearer\s+/i, '');
      const queryToken =
        typeof req.query['access_token'] === 'string' ? req.query['access_token'] : undefined;
      const given = bearer ?? queryToken;
      if (given === undefined || given === '') {
        return {
          answer: graphError(
            400,
            2500,
            'An active access token must be used to query information about the current user.',
          ),
          body: undefined,
        };
      }
      if (!secretsEqual(token, given)) {
        return {
          answer: graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token'),
          body: undefined,
        };
      }
      let body: unknown;
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        body = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        return { answer: graphError(400, 100, '(#100) The request body is not valid JSON'), body: undefined };
      }
      const problem = validate(body);
      if (problem !== undefined) return { answer: graphError(400, 100, problem), body };
      const b = body as Obj;
      const to = isObj(b['recipient']) ? String(b['recipient']['id']) : '';
      const refused = recipients.refusal(to, b['messaging_type'] === 'MESSAGE_TAG');
      if (refused) return { answer: refused, body };
      const unfit = await attachmentRefusal(b);
      if (unfit) return { answer: unfit, body };
      if (b['sender_action'] !== undefined)
        return { answer: { status: 200, body: { recipient_id: to } }, body };
      const mid = profile.messageId();
      if (opts.webhookUrl !== undefined) {
        const url = opts.webhookUrl;
        // One after the other, each once the previous was answered: Meta reports a delivery
        // before the read, and a read that overtook it would leave `delivered` unrecorded.
        receipts.plan(
          receiptEvents(profile, to, mid).map((r) => ({
            afterMs: r.afterMs,
            post: () => {
              const now = Date.now();
              return postSigned(url, webhookBody(profile, [r.event(now)], now), appSecret);
            },
          })),
          { chained: true },
        );
      }
      return { answer: { status: 200, body: { recipient_id: to, message_id: mid } }, body };
    };

    /**
     * The provider fetches an attachment given by URL and refuses one it does not take; the sandbox,
     * without internet, judges a URL it cannot fetch by its name. Meta answers such a failed
     * fetch with subcode 2018047, "Upload attachment failure".
     */
    const attachmentRefusal = async (b: Obj): Promise<GraphAnswer | undefined> => {
      const check = profile.attachmentProblem;
      const attachment = isObj(b['message']) ? b['message']['attachment'] : undefined;
      if (check === undefined || !isObj(attachment) || !isObj(attachment['payload'])) return undefined;
      const url = attachment['payload']['url'];
      if (typeof url !== 'string' || typeof attachment['type'] !== 'string') return undefined;
      const found = opts.probeMedia ? await opts.probeMedia(url) : undefined;
      const problem = check(attachment['type'], url, found?.ok ? found.facts : undefined);
      return problem
        ? graphError(400, 100, `(#100) Upload attachment failure. ${problem.detail}`, { subcode: 2018047 })
        : undefined;
    };

    const handler = async (
      req: FastifyRequest<{ Params: { version: string; account?: string }; Querystring: Obj }>,
      reply: FastifyReply,
    ) => {
      const { answer, body } = await send(req);
      opts.recorder.record(
        channel,
        {
          at: new Date().toISOString(),
          // The token never reaches the record: the query string is left off, the header redacted.
          path: `/${req.params.version}/${req.params.account ?? 'me'}/messages`,
          headers: redactHeaders(req.headers, BEARER_REDACTED),
          body: body ?? {},
          status: answer.status,
          response: answer.body,
        },
        req,
      );
      return reply
        .code(answer.status)
        .headers(answer.headers ?? {})
        .send(answer.body);
    };
    app.post('/:version/me/messages', handler);
    app.post('/:version/:account/messages', handler);

    requestsRoute(app, opts.recorder, channel);

    app.post('/_simulate/message', async (req: FastifyRequest, reply: FastifyReply) => {
      let parsed: unknown;
      try {
        parsed = Buffer.isBuffer(req.body) ? JSON.parse(req.body.toString('utf8')) : undefined;
      } catch {
        parsed = undefined;
      }
      const input = parseSimulateInput(parsed);
      if (typeof input === 'string') return problem(reply, 400, 'Invalid simulation', input);
      if (opts.webhookUrl === undefined) {
        return noWebhookUrl(reply, `The sandbox ${profile.flavor.displayName} account`);
      }
      try {
        return await postSigned(
          opts.webhookUrl,
          webhookBody(profile, [simulatedEvent(profile, input)]),
          appSecret,
        );
      } catch (error) {
        return webhookUnreachable(reply, error);
      }
    });
  };
}
