/** How the Send API answers when it throttles or breaks, for the sandbox's chaos mode. */

import type { SandboxFaults } from '../../../../sandbox/types.ts';
import { graphErrorBody } from '../../meta-graph/errors.ts';

export const sendApiFaults: SandboxFaults = {
  // Graph gives no Retry-After for 613; the wait comes from backoff.
  throttled: () => ({
    status: 400,
    body: graphErrorBody(613, '(#613) Calls to this api have exceeded the rate limit.'),
  }),
  serverError: () => ({
    status: 500,
    body: graphErrorBody(1200, '(#1200) Temporary send message failure. Please try again later'),
  }),
};
