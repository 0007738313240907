/**
 * Viber REST Bot API connector. See README.md in this folder for Viber's quirks and the choices
 * made for what Viber cannot show.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import type { Credentials, ProviderRequest } from '../../core/vocabulary/channel.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { VIBER_CAPABILITIES } from './capabilities.ts';
import { checkViberMessage, checkViberRecipient } from './check.ts';
import { checkViberOptions } from './check-options.ts';
import { classifyViberResponse } from './classify.ts';
import { parseViberCallback, verifyViberSignature } from './inbound.ts';
import { VIBER_LIMIT_NOTES, VIBER_LIMITS } from './limits.ts';
import { viberLinkedMedia } from './linked-media.ts';
import { parseViberJson } from './message-token.ts';
import { VIBER_SANDBOX_CREDENTIALS, ViberCredentials, ViberOptions } from './options.ts';
import { renderViber } from './render.ts';

/**
 * Viber requires `sender.name` in every body, and it belongs to the account: it is added at send
 * time (and shown by a preview), unless the send named its own sender (options.viber). README.md,
 * "Sender".
 */
function withSender(request: ProviderRequest, credentials: Credentials): ProviderRequest {
  const stored = request.body;
  const avatar = credentials['senderAvatar'];
  const body =
    typeof stored === 'object' && stored !== null && !('sender' in stored) && credentials['senderName']
      ? { ...stored, sender: { name: credentials['senderName'], ...(avatar ? { avatar } : {}) } }
      : stored;
  return { ...request, body };
}

export const viberConnector: ChannelConnector = {
  name: 'viber',
  displayName: 'Viber',
  defaultBaseUrl: 'https://chatapi.viber.com',
  // Viber documents no per-account send rate for send_message (broadcast: 500 requests / 10 s);
  // 50/s matches that broadcast pace and keeps bursts modest.
  rateLimit: { perSecond: 50, burst: 50 },
  // 100 messages per person per hour without a reply (send-message.md): 1 every 36 s on average,
  // with the whole hour's allowance usable as a burst.
  recipientRateLimit: { perSecond: 100 / 3600, burst: 100 },
  // Viber has no idempotency key: a resent request is a second message.
  maybeSentPolicy: 'resend_once',
  capabilities: VIBER_CAPABILITIES,
  limits: [limitTable('VIBER_LIMITS', 'src/channels/viber/limits.ts', VIBER_LIMITS, VIBER_LIMIT_NOTES)],
  credentialsSchema: ViberCredentials,
  sandboxCredentials: VIBER_SANDBOX_CREDENTIALS,
  optionsSchema: ViberOptions,
  checkRecipient: checkViberRecipient,
  check: (message, options) => [...checkViberMessage(message), ...checkViberOptions(options)],
  linkedMedia: viberLinkedMedia,
  render: renderViber,
  withAccount: withSender,
  authorize(request, credentials) {
    return {
      path: request.path,
      headers: { ...request.headers, 'X-Viber-Auth-Token': credentials['authToken'] ?? '' },
      body: withSender(request, credentials).body,
    };
  },
  classify: classifyViberResponse,
  verifyInbound: verifyViberSignature,
  parseInbound: parseViberCallback,
  // Message tokens are 64-bit: parsed exactly, so receipts name the message the send answer did.
  decodeInbound: (raw) => parseViberJson(raw.toString('utf8')),
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { viberEmulator } from './emulator/index.ts';
