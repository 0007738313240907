/**
 * The strict WeChat emulator, a Fastify plugin the core mounts at /sandbox/wechat. It answers
 * /cgi-bin/stable_token, /cgi-bin/message/custom/send and /cgi-bin/message/custom/typing as
 * WeChat would (api.ts), records every answer with the token replaced by a placeholder, and plays
 * the user: POST /_simulate/message pushes a signed XML message or event to the gateway and opens
 * that person's reply window, /_simulate/age moves it into the past, /_simulate/expire-token ends
 * the current access token, /_simulate/encryption sets the push URL's mode as the console would
 * (plaintext, compatible or safe).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isObj } from '../../../lib/json.ts';
import { requestsRoute } from '../../../sandbox/recorder.ts';
import { noWebhookUrl, problem, webhookUnreachable } from '../../../sandbox/simulate.ts';
import type { Emulator, SandboxOptions } from '../../../sandbox/types.ts';
import { WECHAT_OPENID } from '../limits.ts';
import { WECHAT_SANDBOX_CREDENTIALS } from '../options.ts';
import { wechatAesKey } from '../provider/message-crypto.ts';
import { WECHAT_PATHS } from '../provider/paths.ts';
import { handleCustomSend, handleStableToken, type WechatAnswer } from './api.ts';
import { wechatFaults } from './faults.ts';
import { WechatSandboxState } from './state.ts';
import {
  buildPush,
  ENCRYPTION_MODES,
  type EncryptionMode,
  type PushAccount,
  parseSimulateInput,
  postPush,
  wirePush,
} from './webhook.ts';

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

const rawText = (req: FastifyRequest): string =>
  Buffer.isBuffer(req.body) ? req.body.toString('utf8') : typeof req.body === 'string' ? req.body : '';

export const wechatSandbox: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  const appId = opts.credentials['appId'] ?? WECHAT_SANDBOX_CREDENTIALS.appId;
  const appSecret = opts.credentials['appSecret'] ?? WECHAT_SANDBOX_CREDENTIALS.appSecret;
  const token = opts.credentials['token'] ?? WECHAT_SANDBOX_CREDENTIALS.token;
  const state = new WechatSandboxState();
  const ctx = { appId, appSecret, state };
  // The console's 消息加解密方式: plaintext until changed, as a new account's is.
  const account: PushAccount = {
    appId,
    token,
    aesKey: wechatAesKey(opts.credentials['encodingAesKey']),
    mode: 'plaintext',
  };

  // WeChat reads the body itself (an empty or non-JSON body has its own errcodes).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const record = (path: string, req: FastifyRequest, answer: WechatAnswer) =>
    opts.recorder.record(
      'wechat',
      {
        at: new Date().toISOString(),
        path,
        headers: { ...req.headers },
        body: answer.parsed,
        status: 200,
        response: answer.body,
      },
      req,
    );
  // WeChat's JSON answers are served as application/json with this charset spelling.
  const send = (reply: FastifyReply, answer: WechatAnswer) =>
    reply.code(200).type('application/json; encoding=utf-8').send(answer.body);

  app.post('/cgi-bin/stable_token', async (req, reply) => {
    const answer = handleStableToken(rawText(req), ctx);
    record(WECHAT_PATHS.token, req, answer);
    return send(reply, answer);
  });
  for (const endpoint of ['send', 'typing'] as const) {
    app.post(`/cgi-bin/message/custom/${endpoint}`, async (req: Req, reply) => {
      const answer = handleCustomSend(endpoint, req.query.access_token, rawText(req), ctx);
      record(WECHAT_PATHS[endpoint], req, answer);
      return send(reply, answer);
    });
  }

  requestsRoute(app, opts.recorder, 'wechat');

  app.post('/_simulate/message', async (req, reply) => {
    const input = parseSimulateInput(parseJsonBody(req));
    if (typeof input === 'string') return problem(reply, 400, 'Invalid simulation', input);
    // Unfollowing closes nothing here; every simulated action opens a window, as WeChat's do.
    state.interact(input.openid, 'text' in input ? 'message' : 'event');
    if (opts.webhookUrl === undefined) {
      return noWebhookUrl(reply, 'The sandbox WeChat account', 'push to');
    }
    const xml = buildPush(input, appId);
    const push = wirePush(xml, account, input.openid);
    try {
      const answer = await postPush(opts.webhookUrl, push);
      return {
        status: answer.status,
        body: answer.body,
        mode: account.mode,
        sent: push.body,
        ...(push.body !== xml ? { message: xml } : {}),
      };
    } catch (error) {
      return webhookUnreachable(reply, error);
    }
  });

  // WeChat's console takes compatible or safe mode only once an EncodingAESKey is filled in.
  app.post('/_simulate/encryption', async (req, reply) => {
    const b = parseJsonBody(req);
    const mode = isObj(b) ? b['mode'] : undefined;
    if (typeof mode !== 'string' || !(ENCRYPTION_MODES as readonly string[]).includes(mode)) {
      return problem(reply, 400, 'Invalid simulation', `Give {mode}: one of ${ENCRYPTION_MODES.join(', ')}`);
    }
    if (mode !== 'plaintext' && account.aesKey === undefined) {
      return problem(
        reply,
        409,
        'No EncodingAESKey',
        `The account has no EncodingAESKey; ${mode} mode needs one, as in WeChat's console`,
      );
    }
    account.mode = mode as EncryptionMode;
    return { mode: account.mode };
  });

  app.post('/_simulate/age', async (req, reply) => {
    const b = parseJsonBody(req);
    const openid = isObj(b) ? b['openid'] : undefined;
    const hours = isObj(b) ? b['hours'] : undefined;
    if (
      typeof openid !== 'string' ||
      !WECHAT_OPENID.test(openid) ||
      typeof hours !== 'number' ||
      !(hours > 0)
    ) {
      return problem(
        reply,
        400,
        'Invalid simulation',
        "Give {openid, hours}: how many hours ago the person's last interaction was moved",
      );
    }
    state.age(openid, hours * 3_600_000);
    return { openid, agedByHours: hours };
  });

  app.post('/_simulate/expire-token', async () => {
    state.expireToken();
    return { expired: true };
  });
};

function parseJsonBody(req: FastifyRequest): unknown {
  try {
    return JSON.parse(rawText(req));
  } catch {
    return undefined;
  }
}

/** WeChat's emulator as the sandbox host mounts it: the plugin, its chaos answers, the sandbox account's credentials. */
export const wechatEmulator: Emulator = {
  plugin: wechatSandbox,
  faults: wechatFaults,
  credentials: WECHAT_SANDBOX_CREDENTIALS,
};
