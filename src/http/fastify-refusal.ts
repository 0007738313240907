/**
 * Fastify's own refusals of a request, raised before any façade code runs: schema validation, a
 * body that is no JSON, one in another media type, one over the size limit. The Infobip and Konnek
 * façades describe the body's problem in the same words; Webex Connect and FIRST LINE answer in
 * their vendors' own codes and phrasing, so they keep their own.
 */
import type { FastifyError } from 'fastify';
import type { issuesFromAjv } from './problem.ts';

/** An error Fastify raised: its schema validation's ajv errors, or a refusal of the body itself. */
export type FastifyRefusal = Partial<FastifyError> & {
  validation?: Parameters<typeof issuesFromAjv>[0];
  validationContext?: string;
};

/** What was wrong with the request, as a sentence for the client. */
export function requestProblem(fe: Partial<FastifyError>): string {
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `the body is not valid JSON (${fe.message})`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as Content-Type: application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is over the size limit';
    default:
      return fe.message ?? 'the request is malformed';
  }
}
