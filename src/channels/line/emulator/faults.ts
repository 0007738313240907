/** How LINE answers when it throttles or breaks, for the sandbox's chaos mode. */
import type { SandboxFaults } from '../../../sandbox/types.ts';

export const lineFaults: SandboxFaults = {
  // LINE gives no wait hint; the body is its documented rate-limit message.
  throttled: () => ({
    status: 429,
    body: { message: 'The API rate limit has been exceeded. Try again later.' },
  }),
  serverError: () => ({ status: 500, body: { message: 'Internal server error' } }),
};
