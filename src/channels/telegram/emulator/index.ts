/**
 * The strict Telegram emulator, a Fastify plugin the core mounts at /sandbox/telegram. It answers
 * every Bot API method api.json describes (`/bot<token>/<method>`, POST or GET, JSON or form
 * fields), validating parameters against api.json, records every answer, and can play a user:
 * POST /_simulate/message sends the gateway an Update with the webhook secret header.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { requestsRoute } from '../../../sandbox/recorder.ts';
import { noWebhookUrl, problem, webhookUnreachable } from '../../../sandbox/simulate.ts';
import type { Emulator, SandboxOptions } from '../../../sandbox/types.ts';
import { TELEGRAM_SANDBOX_CREDENTIALS } from '../options.ts';
import { handleTelegramCall, type TelegramAnswer, telegramError } from './api.ts';
import { telegramFaults } from './faults.ts';
import { loadTelegramSpec } from './spec-files.ts';
import { TelegramSandboxState } from './state.ts';
import { urlMediaRefusal } from './url-media.ts';
import { TelegramValidator } from './validator.ts';
import { buildUpdate, parseSimulateInput, postUpdate } from './webhook.ts';

let validator: TelegramValidator | undefined;

/** Loaded once per process: api.json does not change while it runs. */
export function telegramValidator(): TelegramValidator {
  validator ??= new TelegramValidator(loadTelegramSpec());
  return validator;
}

type ApiRequest = FastifyRequest<{
  Params: { token: string; method: string };
  Querystring: Record<string, string>;
}>;

export const telegramSandbox: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  const botToken = opts.credentials['botToken'] ?? TELEGRAM_SANDBOX_CREDENTIALS.botToken;
  const secretToken = opts.credentials['secretToken'] ?? TELEGRAM_SANDBOX_CREDENTIALS.secretToken;
  const ctx = {
    botToken,
    // Compiled at the first request, not at mount: a gateway starts in well under a second.
    get validator() {
      return telegramValidator();
    },
    state: new TelegramSandboxState(),
  };

  // Telegram takes JSON (an empty body is no parameters) and form fields; both only in this scope.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error("Bad Request: can't parse JSON object"), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  // Every error in this scope answers in Telegram's shape.
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    const description =
      status === 500
        ? 'Internal Server Error'
        : status === 415
          ? 'Bad Request: the sandbox takes JSON or form fields; send files as file ids or URLs, not uploads'
          : error.message.startsWith('Bad Request')
            ? error.message
            : `Bad Request: ${error.message}`;
    const answer = telegramError(status === 415 ? 400 : status, description);
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler((_req, reply) => {
    const answer = telegramError(404, 'Not Found');
    return reply.code(404).send(answer.body);
  });

  const answer = async (req: ApiRequest, reply: FastifyReply) => {
    const isForm = /^application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''));
    const hasQuery = Object.keys(req.query ?? {}).length > 0;
    const params = req.method === 'GET' || (req.body === undefined && hasQuery) ? req.query : req.body;
    const form = req.method === 'GET' || isForm || (req.body === undefined && hasQuery);
    // A file given by URL is fetched, and refused as Telegram refuses it (url-media.ts).
    const refused =
      req.params.token === botToken
        ? await urlMediaRefusal(req.params.method, params, opts.probeMedia)
        : undefined;
    const result: TelegramAnswer =
      refused ??
      handleTelegramCall({ token: req.params.token, method: req.params.method, params, form }, ctx);
    opts.recorder.record(
      'telegram',
      {
        at: new Date().toISOString(),
        // The token is the bot's password: the recorder keeps the placeholder instead.
        path: `/bot{token}/${req.params.method}`,
        headers: { ...req.headers },
        body: params ?? {},
        status: result.status,
        response: result.body,
      },
      req,
    );
    return reply.code(result.status).send(result.body);
  };
  app.post('/bot:token/:method', answer);
  app.get('/bot:token/:method', answer);

  requestsRoute(app, opts.recorder, 'telegram');

  app.post('/_simulate/message', async (req: FastifyRequest, reply: FastifyReply) => {
    const input = parseSimulateInput(req.body);
    if (typeof input === 'string') return problem(reply, 400, 'Invalid simulation', input);
    if (opts.webhookUrl === undefined) {
      return noWebhookUrl(reply, 'The sandbox Telegram bot');
    }
    const update = buildUpdate(input, ctx.state, botToken);
    try {
      return await postUpdate(opts.webhookUrl, update, secretToken);
    } catch (error) {
      return webhookUnreachable(reply, error);
    }
  });
};

/** Telegram's emulator as the sandbox host mounts it: the plugin, its chaos answers, the sandbox account's credentials. */
export const telegramEmulator: Emulator = {
  plugin: telegramSandbox,
  faults: telegramFaults,
  credentials: TELEGRAM_SANDBOX_CREDENTIALS,
};
