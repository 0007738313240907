/**
 * LINE Messaging API connector. See README.md in this folder for LINE's quirks and the choices made
 * for what LINE cannot show.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { optionsOf } from '../kit/options.ts';
import { LINE_CAPABILITIES } from './capabilities.ts';
import { checkLineMessage, checkLineRecipient } from './check.ts';
import { checkLineOptions } from './check-options.ts';
import { classifyLineResponse } from './classify.ts';
import { parseLineWebhook, verifyLineSignature } from './inbound.ts';
import { LINE_LIMIT_NOTES, LINE_LIMITS, LINE_REPLY_TOKEN_VALID_MS } from './limits.ts';
import { lineLinkedMedia } from './linked-media.ts';
import { LINE_SANDBOX_CREDENTIALS, LineCredentials, LineOptions } from './options.ts';
import { renderLine } from './render.ts';

export const lineConnector: ChannelConnector = {
  name: 'line',
  displayName: 'LINE',
  defaultBaseUrl: 'https://api.line.me',
  // Push and reply share "other endpoints": 2,000 requests per second per channel.
  rateLimit: { perSecond: 2_000, burst: 2_000 },
  // Push carries X-Line-Retry-Key (the same on every attempt), so LINE runs a resent push once.
  // A reply has no key, but its token works once: a duplicate reply is refused by LINE itself.
  maybeSentPolicy: 'resend',
  capabilities: LINE_CAPABILITIES,
  limits: [limitTable('LINE_LIMITS', 'src/channels/line/limits.ts', LINE_LIMITS, LINE_LIMIT_NOTES)],
  credentialsSchema: LineCredentials,
  sandboxCredentials: LINE_SANDBOX_CREDENTIALS,
  optionsSchema: LineOptions,
  replyWindow: {
    validForMs: LINE_REPLY_TOKEN_VALID_MS,
    tokenOf: (options) => optionsOf(LineOptions, options).replyToken,
    fallbackAllowed: (options) => optionsOf(LineOptions, options).replyTokenFallback === 'push',
    withoutToken: ({ replyToken: _token, replyTokenFallback: _fallback, ...rest }) => rest,
    pointer: '/options/line/replyToken',
  },
  checkRecipient: checkLineRecipient,
  check: (message, options) => [...checkLineMessage(message), ...checkLineOptions(options)],
  linkedMedia: lineLinkedMedia,
  render: renderLine,
  authorize(request, credentials) {
    return {
      path: request.path,
      headers: { ...request.headers, Authorization: `Bearer ${credentials['channelAccessToken'] ?? ''}` },
    };
  },
  classify: classifyLineResponse,
  verifyInbound: verifyLineSignature,
  parseInbound: parseLineWebhook,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { lineEmulator } from './emulator/index.ts';
