/**
 * Helpers for the emulators' own endpoints (`/_simulate/...`), which are not the provider's API and
 * so answer their errors as RFC 9457 problem details.
 */
import type { FastifyReply } from 'fastify';

/** Answers `status` with an `application/problem+json` body. */
export function problem(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, detail });
}

/** 409: the sandbox account has no webhook URL. `who`: "The sandbox WhatsApp number". */
export function noWebhookUrl(reply: FastifyReply, who: string, verb = 'deliver to') {
  return problem(reply, 409, 'No webhook URL', `${who} has no webhook URL to ${verb}`);
}

/** 502: posting to the webhook URL failed with `error`. */
export function webhookUnreachable(reply: FastifyReply, error: unknown) {
  const reason = error instanceof Error ? error.message : String(error);
  return problem(reply, 502, 'Webhook unreachable', `The webhook URL could not be reached: ${reason}`);
}
