/**
 * How Viber answers when it throttles or breaks, for the sandbox's chaos mode. Throttling is the
 * in-band status 12 over HTTP 200 with no wait hint (Viber gives none, so `retryAfter` is unused);
 * a broken Viber is an HTTP 5xx from its front end, since its JSON statuses describe requests.
 */
import type { SandboxFaults } from '../../../sandbox/types.ts';

export const viberFaults: SandboxFaults = {
  throttled: () => ({
    status: 200,
    body: { status: 12, status_message: 'Too many requests', chat_hostname: 'SN-CHAT-05_' },
  }),
  serverError: () => ({ status: 503, body: { status_message: 'Service Unavailable' } }),
};
