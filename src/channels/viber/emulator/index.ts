/**
 * The strict Viber emulator, a Fastify plugin the core mounts at /sandbox/viber. POST
 * /pa/send_message answers exactly as Viber does: always HTTP 200 with {status, status_message,
 * message_token, chat_hostname, billing_status}; on success, and with a webhook URL, it then posts
 * the `delivered` (~30 ms) and `seen` (~60 ms) callbacks, signed with X-Viber-Content-Signature.
 * POST /_simulate/message plays the person: a signed `message` callback.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isObj, type Obj } from '../../../lib/json.ts';
import { postWebhook } from '../../../sandbox/post-webhook.ts';
import { type PlannedReceipt, receiptSchedule } from '../../../sandbox/receipts.ts';
import { requestsRoute } from '../../../sandbox/recorder.ts';
import type { Emulator, SandboxOptions } from '../../../sandbox/types.ts';
import { VIBER_USER_ID } from '../limits.ts';
import { VIBER_SANDBOX_CREDENTIALS } from '../options.ts';
import { SIGNATURE_HEADER, signViberBody, VIBER_SEND_PATH } from '../provider.ts';
import { viberFaults } from './faults.ts';
import { sandboxReceiver } from './receivers.ts';
import { validateSendMessage } from './validate.ts';

const CHAT_HOSTNAME = 'SN-CHAT-05_';
export const DELIVERED_AFTER_MS = 30;
export const SEEN_AFTER_MS = 60;

/**
 * Message tokens as Viber's look (19 digits, above 2^53), at least 4096 apart so each still names
 * one message after JSON.parse rounds it to a double (message-token.ts).
 */
class Tokens {
  private last = 5_741_311_803_571_721_087n;
  next(): bigint {
    this.last += 4096n + BigInt(Math.floor(Math.random() * 4096));
    return this.last;
  }
}

/** A JSON text with `message_token` as the bare 64-bit integer Viber writes. */
function withToken(body: Obj, token: bigint | undefined): string {
  const json = JSON.stringify(body);
  return token === undefined ? json : `${json.slice(0, -1)},"message_token":${token}}`;
}

export const viberSandbox: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  const authToken = opts.credentials['authToken'] ?? VIBER_SANDBOX_CREDENTIALS.authToken;
  const tokens = new Tokens();
  const calls = new Map<string, number>();
  const callNumber = (receiver: string) => () => {
    const n = (calls.get(receiver) ?? 0) + 1;
    calls.set(receiver, n);
    return n;
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const receipts = receiptSchedule(app);
  /** A callback `afterMs` after the send, its message token written as Viber's bare integer. */
  const callback = (url: string, event: Obj, afterMs: number): PlannedReceipt => ({
    afterMs,
    post: () => {
      const raw = JSON.stringify(event).replace(/"message_token":"(\d+)"/, '"message_token":$1');
      return postWebhook(url, raw, { [SIGNATURE_HEADER]: signViberBody(raw, authToken) });
    },
  });

  app.post(VIBER_SEND_PATH, async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const answer = (body: Obj, token?: bigint) => {
      const text = withToken({ ...body, chat_hostname: CHAT_HOSTNAME }, token);
      opts.recorder.record(
        'viber',
        {
          at: new Date().toISOString(),
          path: VIBER_SEND_PATH,
          headers: { ...req.headers, 'x-viber-auth-token': '[redacted]' },
          body: parsed ?? raw,
          status: 200,
          response: JSON.parse(text),
        },
        req,
      );
      // Viber answers every outcome with HTTP 200; the status is in the body.
      return reply.code(200).type('application/json').send(text);
    };
    const given = req.headers['x-viber-auth-token'];
    if (given === undefined || given === '')
      return answer({ status: 2, status_message: 'missing_auth_token' });
    if (given !== authToken) return answer({ status: 2, status_message: 'invalidAuthToken' });
    if (!isObj(parsed))
      return answer({ status: 3, status_message: 'badData: the body is not a JSON object' });
    const refusal = validateSendMessage(parsed, raw);
    if (refusal) return answer({ ...refusal });
    const receiver = String(parsed['receiver']);
    if (!VIBER_USER_ID.test(receiver)) return answer({ status: 6, status_message: 'receiverNotSubscribed' });
    const outcome = sandboxReceiver(receiver, callNumber(receiver));
    if ('status' in outcome) {
      const names: Record<number, string> = {
        5: 'receiverNotRegistered',
        6: 'receiverNotSubscribed',
        7: 'publicAccountBlocked',
        11: 'receiverNoSuitableDevice',
        12: 'Too many requests',
      };
      return answer(
        { status: outcome.status, status_message: names[outcome.status] ?? 'failure' },
        tokens.next(),
      );
    }
    const token = tokens.next();
    const common = { message_token: String(token), user_id: receiver };
    const url = opts.webhookUrl;
    if (url !== undefined) {
      const sent = Date.now();
      const events: Array<[afterMs: number, event: Obj]> =
        outcome.accept === 'fail_after'
          ? [[DELIVERED_AFTER_MS, { event: 'failed', desc: 'message validation failed' }]]
          : [
              [DELIVERED_AFTER_MS, { event: 'delivered' }],
              [SEEN_AFTER_MS, { event: 'seen' }],
            ];
      receipts.plan(
        events.map(([afterMs, { event, ...rest }]) =>
          callback(url, { event, timestamp: sent + afterMs, ...common, ...rest }, afterMs),
        ),
      );
    }
    return answer({ status: 0, status_message: 'ok', billing_status: 0 }, token);
  });

  requestsRoute(app, opts.recorder, 'viber');

  app.post('/_simulate/message', async (req: FastifyRequest, reply: FastifyReply) => {
    let input: unknown;
    try {
      input = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      input = undefined;
    }
    if (!isObj(input) || typeof input['from'] !== 'string' || !VIBER_USER_ID.test(input['from'])) {
      return reply.code(400).send({ message: 'The body must be {from: a Viber subscriber id, text}' });
    }
    if (typeof input['text'] !== 'string' || input['text'] === '') {
      return reply
        .code(400)
        .send({ message: "Give a non-empty 'text' (a tapped reply button sends its ActionBody as text)" });
    }
    if (opts.webhookUrl === undefined) {
      return reply.code(409).send({ message: 'The sandbox Viber bot has no webhook URL to deliver to' });
    }
    const raw = withToken(
      {
        event: 'message',
        timestamp: Date.now(),
        chat_hostname: CHAT_HOSTNAME,
        sender: { id: input['from'], name: 'Sandbox User', language: 'en', country: 'GB', api_version: 10 },
        message: { type: 'text', text: input['text'] },
        silent: false,
      },
      tokens.next(),
    );
    try {
      const answer = await postWebhook(opts.webhookUrl, raw, {
        [SIGNATURE_HEADER]: signViberBody(raw, authToken),
      });
      return { webhook: answer, sent: JSON.parse(raw) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return reply.code(502).send({ message: `The webhook URL could not be reached: ${reason}` });
    }
  });
};

/** Viber's emulator as the sandbox host mounts it: the plugin, its chaos answers, the sandbox account's credentials. */
export const viberEmulator: Emulator = {
  plugin: viberSandbox,
  faults: viberFaults,
  credentials: VIBER_SANDBOX_CREDENTIALS,
};
