/** How the Bot API answers when it throttles or breaks, for the sandbox's chaos mode. */
import type { SandboxFaults } from '../../../sandbox/types.ts';

export const telegramFaults: SandboxFaults = {
  throttled: (retryAfter) => ({
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  }),
  serverError: () => ({
    status: 500,
    body: { ok: false, error_code: 500, description: 'Internal Server Error' },
  }),
};
