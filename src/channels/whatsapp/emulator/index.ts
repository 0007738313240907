/**
 * The strict WhatsApp Cloud API emulator, a Fastify plugin the core mounts at /sandbox/whatsapp.
 * It answers `POST /{version}/{phone-number-id}/messages` as WhatsApp would (api.ts), records every
 * answer, posts the receipts WhatsApp sends for accepted messages, and can play a person:
 * POST /_simulate/message (a text, reply-button or list tap) and POST /_simulate/status (any
 * receipt for a message id, e.g. a late `delivered`) post signed webhooks to the gateway.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { receiptSchedule } from '../../../sandbox/receipts.ts';
import { BEARER_REDACTED, redactHeaders, requestsRoute } from '../../../sandbox/recorder.ts';
import { noWebhookUrl, problem, webhookUnreachable } from '../../../sandbox/simulate.ts';
import type { Emulator, SandboxOptions } from '../../../sandbox/types.ts';
import { WHATSAPP_SANDBOX_CREDENTIALS } from '../options.ts';
import { handleMessages } from './api.ts';
import { whatsappFaults } from './errors.ts';
import { SandboxRecipients } from './recipients.ts';
import { createWhatsAppValidators, type WhatsAppValidators } from './validator.ts';
import {
  messageWebhook,
  parseSimulateInput,
  postSigned,
  type ReceiptStatus,
  receiptPlan,
  statusWebhook,
  type WebhookContext,
} from './webhook.ts';

let validators: WhatsAppValidators | undefined;

/** Compiled once per process: the spec does not change while it runs, and compiling takes a while. */
export function whatsappValidators(): WhatsAppValidators {
  validators ??= createWhatsAppValidators();
  return validators;
}

type MessagesRequest = FastifyRequest<{ Params: { version: string; phoneNumberId: string } }>;

const RECEIPTS: readonly ReceiptStatus[] = ['sent', 'delivered', 'read', 'failed'];

export const whatsappSandbox: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  const creds = { ...WHATSAPP_SANDBOX_CREDENTIALS, ...opts.credentials };
  const ctx = {
    accessToken: creds.accessToken,
    phoneNumberId: creds.phoneNumberId,
    // Compiled at the first request, not at mount: a gateway starts in well under a second.
    get validators() {
      return whatsappValidators();
    },
    recipients: new SandboxRecipients(),
  };
  const hook: WebhookContext | undefined =
    opts.webhookUrl !== undefined
      ? { url: opts.webhookUrl, appSecret: creds.appSecret, phoneNumberId: creds.phoneNumberId }
      : undefined;
  const receipts = receiptSchedule(app);

  // WhatsApp answers malformed JSON in its own words, so the bytes reach the handler unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });

  app.post('/:version/:phoneNumberId/messages', async (req: MessagesRequest, reply: FastifyReply) => {
    const rawBody = typeof req.body === 'string' ? req.body : '';
    const result = handleMessages(
      { version: req.params.version, phoneNumberId: req.params.phoneNumberId, headers: req.headers, rawBody },
      ctx,
    );
    opts.recorder.record(
      'whatsapp',
      {
        at: new Date().toISOString(),
        path: `/${req.params.version}/${req.params.phoneNumberId}/messages`,
        headers: redactHeaders(req.headers, BEARER_REDACTED),
        body: result.parsedBody,
        status: result.status,
        response: result.body,
      },
      req,
    );
    const accepted = result.accepted;
    if (accepted !== undefined && hook !== undefined) {
      const failure = accepted.fate.kind === 'fail_later' ? accepted.fate : undefined;
      receipts.plan(receiptPlan(hook, accepted.id, accepted.to, failure));
    }
    return reply.code(result.status).send(result.body);
  });

  requestsRoute(app, opts.recorder, 'whatsapp');

  app.post('/_simulate/message', async (req: FastifyRequest, reply: FastifyReply) => {
    const input = parseSimulateInput(jsonOf(req.body));
    if (typeof input === 'string') return problem(reply, 400, 'Invalid simulation', input);
    if (hook === undefined) return noWebhookUrl(reply, 'The sandbox WhatsApp number');
    const body = messageWebhook(creds.phoneNumberId, input);
    return deliver(reply, hook, body);
  });

  app.post('/_simulate/status', async (req: FastifyRequest, reply: FastifyReply) => {
    const b = jsonOf(req.body);
    const id = typeof b?.['id'] === 'string' ? b['id'] : undefined;
    const status = RECEIPTS.find((s) => s === b?.['status']);
    const recipient = typeof b?.['recipient'] === 'string' ? b['recipient'] : '16505550000';
    if (id === undefined || !id.startsWith('wamid.') || status === undefined) {
      return problem(
        reply,
        400,
        'Invalid simulation',
        `Give {id: "wamid…", status: ${RECEIPTS.join(' | ')}, recipient?}`,
      );
    }
    if (hook === undefined) return noWebhookUrl(reply, 'The sandbox WhatsApp number');
    const error =
      status === 'failed'
        ? { code: 131026, title: 'Message undeliverable', details: 'Unable to deliver message.' }
        : undefined;
    const body = statusWebhook(creds.phoneNumberId, { id, recipient, status, ...(error ? { error } : {}) });
    return deliver(reply, hook, body);
  });
};

async function deliver(reply: FastifyReply, hook: WebhookContext, body: Record<string, unknown>) {
  try {
    return { webhook: await postSigned(hook, body), sent: body };
  } catch (error) {
    return webhookUnreachable(reply, error);
  }
}

function jsonOf(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** WhatsApp's emulator as the sandbox host mounts it: the plugin, its chaos answers, the sandbox account's credentials. */
export const whatsappEmulator: Emulator = {
  plugin: whatsappSandbox,
  faults: whatsappFaults,
  credentials: WHATSAPP_SANDBOX_CREDENTIALS,
};
