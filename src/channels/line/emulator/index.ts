/**
 * The strict LINE emulator, a Fastify plugin the core mounts at /sandbox/line. It answers the LINE
 * endpoints Omnigate calls exactly as LINE would (see api.ts), records every answer, and can play
 * a user: POST /_simulate/message sends the gateway a signed webhook.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BEARER_REDACTED, redactHeaders } from '../../../sandbox/recorder.ts';
import type { Emulator, SandboxOptions } from '../../../sandbox/types.ts';
import { LINE_SANDBOX_CREDENTIALS } from '../options.ts';
import { LINE_PATHS } from '../provider/api.ts';
import { handleLineApi, type LineEndpoint } from './api.ts';
import { lineFaults } from './faults.ts';
import { LineSandboxState } from './state.ts';
import { createLineValidators, type LineValidators } from './validator.ts';
import { buildWebhook, parseSimulateInput, postLineWebhook } from './webhook.ts';

let validators: LineValidators | undefined;

/** Compiled once per process: the specs do not change while it runs, and compiling takes ~0.5 s. */
export function lineValidators(): LineValidators {
  validators ??= createLineValidators();
  return validators;
}

const ENDPOINTS: ReadonlyArray<[LineEndpoint, string]> = [
  ['push', LINE_PATHS.push],
  ['reply', LINE_PATHS.reply],
  ['loading', LINE_PATHS.loading],
];

export const lineSandbox: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  const channelAccessToken =
    opts.credentials['channelAccessToken'] ?? LINE_SANDBOX_CREDENTIALS.channelAccessToken;
  const channelSecret = opts.credentials['channelSecret'] ?? LINE_SANDBOX_CREDENTIALS.channelSecret;
  const ctx = {
    channelAccessToken,
    // Compiled at the first request, not at mount: a gateway starts in well under a second.
    get validators() {
      return lineValidators();
    },
    state: new LineSandboxState(channelSecret),
  };

  // LINE answers malformed JSON in its own words, so the raw bytes come to the handlers unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });

  for (const [endpoint, path] of ENDPOINTS) {
    app.post(path, async (req: FastifyRequest, reply: FastifyReply) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : undefined;
      const answer = handleLineApi(endpoint, { headers: req.headers, rawBody }, ctx);
      opts.recorder.record(
        'line',
        {
          at: new Date().toISOString(),
          path,
          headers: redactHeaders(req.headers, BEARER_REDACTED),
          body: answer.parsedBody,
          status: answer.status,
          response: answer.body,
        },
        req,
      );
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }

  app.get('/_requests', async (req: FastifyRequest<{ Querystring: { to?: string } }>) => {
    const to = typeof req.query.to === 'string' && req.query.to !== '' ? req.query.to : undefined;
    return opts.recorder.list('line', to !== undefined ? { to } : undefined, req);
  });

  app.post('/_simulate/message', async (req: FastifyRequest, reply: FastifyReply) => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      return reply.code(400).send({ message: 'The body must be JSON: {from, text} or {from, postback}' });
    }
    const input = parseSimulateInput(body);
    if (typeof input === 'string') return reply.code(400).send({ message: input });
    if (opts.webhookUrl === undefined) {
      return reply.code(409).send({ message: 'The sandbox LINE account has no webhook URL to deliver to' });
    }
    const webhook = buildWebhook(input, ctx.state, channelAccessToken);
    const problems = ctx.validators.webhook(webhook.body);
    if (problems.length > 0)
      throw new Error(`Emulator built an invalid webhook: ${JSON.stringify(problems)}`);
    try {
      const answer = await postLineWebhook(opts.webhookUrl, webhook.body, channelSecret);
      return { webhook: answer, replyToken: webhook.replyToken, sent: webhook.body };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return reply.code(502).send({ message: `The webhook URL could not be reached: ${reason}` });
    }
  });
};

/** LINE's emulator as the sandbox host mounts it: the plugin, its chaos answers, the sandbox account's credentials. */
export const lineEmulator: Emulator = {
  plugin: lineSandbox,
  faults: lineFaults,
  credentials: LINE_SANDBOX_CREDENTIALS,
};
