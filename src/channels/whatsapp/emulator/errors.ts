/**
 * WhatsApp's error answers: the Graph envelope with `error_data.messaging_product` and `details`,
 * `(#code)` leading the message as Meta writes it, and the HTTP status Meta pairs with the code.
 */
import type { SandboxFaults } from '../../../sandbox/types.ts';

export interface WaAnswer {
  status: number;
  body: unknown;
}

export function waError(
  status: number,
  code: number,
  message: string,
  extra: { details?: string; subcode?: number; type?: string } = {},
): WaAnswer {
  return {
    status,
    body: {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        ...(extra.details !== undefined
          ? { error_data: { messaging_product: 'whatsapp', details: extra.details } }
          : {}),
        fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 12)}`,
      },
    },
  };
}

export const WA_ERRORS = {
  invalidToken: () =>
    waError(401, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }),
  unknownPhoneNumber: (id: string) =>
    waError(
      400,
      100,
      `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      { subcode: 33, type: 'GraphMethodException' },
    ),
  invalidParameter: (details: string) => waError(400, 100, '(#100) Invalid parameter', { details }),
  throughput: () =>
    waError(400, 130429, '(#130429) Rate limit hit', {
      details: 'Cloud API message throughput has been reached.',
    }),
  pairRate: () =>
    waError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', {
      details:
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    }),
  reengagement: () =>
    waError(400, 131047, '(#131047) Re-engagement message', {
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    }),
  unknownError: () =>
    waError(500, 131000, '(#131000) Something went wrong', {
      details: 'Message failed to send due to an unknown error.',
    }),
  templateMissing: (name: string, language: string) =>
    waError(404, 132001, '(#132001) Template name does not exist in the translation', {
      details: `template name (${name}) does not exist in ${language}`,
    }),
  templateParams: (details: string) =>
    waError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', {
      details,
    }),
} as const;

/** For the sandbox chaos mode: Meta's throughput refusal and its generic failure. */
export const whatsappFaults: SandboxFaults = {
  throttled: () => ({ ...WA_ERRORS.throughput(), headers: {} }),
  serverError: () => ({ ...WA_ERRORS.unknownError(), headers: {} }),
};
