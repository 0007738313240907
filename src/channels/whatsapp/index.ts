/**
 * WhatsApp Business Cloud API connector. See README.md in this folder for WhatsApp's quirks and
 * the choices made for what WhatsApp cannot show.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import type { Credentials, ProviderRequest } from '../../core/vocabulary/channel.ts';
import { hubHandshake } from '../families/meta-graph/webhook.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { WHATSAPP_CAPABILITIES } from './capabilities.ts';
import { checkWhatsAppMessage, checkWhatsAppRecipient } from './check.ts';
import { checkWhatsAppOptions } from './check-options.ts';
import { classifyWhatsAppResponse } from './classify.ts';
import { parseWhatsAppWebhook, verifyWhatsAppSignature } from './inbound.ts';
import { WA_LIMIT_NOTES, WA_LIMITS } from './limits.ts';
import { WHATSAPP_SANDBOX_CREDENTIALS, WhatsAppCredentials, WhatsAppOptions } from './options.ts';
import { renderWhatsApp } from './render.ts';

/** The sending number is the account's and no secret: a preview shows it in the path. */
function withPhoneNumber(request: ProviderRequest, credentials: Credentials): ProviderRequest {
  return {
    ...request,
    path: request.path.replace('{phoneNumberId}', encodeURIComponent(credentials['phoneNumberId'] ?? '')),
  };
}

export const whatsappConnector: ChannelConnector = {
  name: 'whatsapp',
  displayName: 'WhatsApp',
  defaultBaseUrl: 'https://graph.facebook.com',
  // Default throughput per business phone number: 80 messages per second (130429 beyond).
  rateLimit: { perSecond: 80, burst: 80 },
  // Pair rate limit: about one message every 6 s to the same person, short bursts tolerated (131056).
  recipientRateLimit: { perSecond: 1 / 6, burst: 3 },
  // WhatsApp has no idempotency key: a resent request is a second message.
  maybeSentPolicy: 'resend_once',
  // Business-initiated conversations need an approved template (131047 otherwise).
  sessionWindow: {
    hours: WA_LIMITS.sessionWindowHours,
    allowedOutside: (m) => m.type === 'template',
    outside: 'only approved templates',
  },
  capabilities: WHATSAPP_CAPABILITIES,
  limits: [limitTable('WA_LIMITS', 'src/channels/whatsapp/limits.ts', WA_LIMITS, WA_LIMIT_NOTES)],
  credentialsSchema: WhatsAppCredentials,
  sandboxCredentials: WHATSAPP_SANDBOX_CREDENTIALS,
  optionsSchema: WhatsAppOptions,
  checkRecipient: checkWhatsAppRecipient,
  check: (message, options) => [...checkWhatsAppMessage(message), ...checkWhatsAppOptions(options)],
  render: renderWhatsApp,
  withAccount: withPhoneNumber,
  authorize(request, credentials) {
    return {
      path: withPhoneNumber(request, credentials).path,
      headers: { ...request.headers, Authorization: `Bearer ${credentials['accessToken'] ?? ''}` },
    };
  },
  classify: classifyWhatsAppResponse,
  verifyInbound: verifyWhatsAppSignature,
  parseInbound: parseWhatsAppWebhook,
  handshake: hubHandshake,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { whatsappEmulator } from './emulator/index.ts';
