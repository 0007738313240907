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
