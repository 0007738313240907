/**
 * Instagram Messaging connector (Instagram API with Instagram Login). It speaks Messenger's Send
 * API, so it uses the Send API family's renderers, checks, classifier and webhook parser
 * (../families/send-api) with the Instagram flavour (provider/flavor.ts), and the family's
 * emulator with its profile (emulator/profile.ts). README.md has the rest.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import { hubHandshake, verifyHubSignature } from '../families/meta-graph/webhook.ts';
import { bearer } from '../families/send-api/authorize.ts';
import { checkScopedId, checkSendApi } from '../families/send-api/check.ts';
import { classifySendApi } from '../families/send-api/classify.ts';
import { parseSendApiWebhook } from '../families/send-api/inbound.ts';
import { SEND_API_LIMIT_NOTES, SEND_API_LIMITS } from '../families/send-api/limits.ts';
import { renderSendApi } from '../families/send-api/render.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { optionsOf } from '../kit/options.ts';
import { INSTAGRAM_CAPABILITIES } from './capabilities.ts';
import { INSTAGRAM_LIMIT_NOTES, INSTAGRAM_LIMITS } from './limits.ts';
import { INSTAGRAM_SANDBOX_CREDENTIALS, InstagramCredentials, InstagramOptions } from './options.ts';
import { INSTAGRAM_FLAVOR } from './provider/flavor.ts';
import {
  INSTAGRAM_ATTACHMENT_BYTES,
  INSTAGRAM_ATTACHMENT_NOTES,
  instagramLinkedMedia,
} from './provider/linked-media.ts';

export const instagramConnector: ChannelConnector = {
  name: 'instagram',
  displayName: 'Instagram',
  // The Facebook-Login flavour (graph.facebook.com with a Page token) takes the same requests:
  // set OMNIGATE_INSTAGRAM_API_BASE and give the Page token as accessToken.
  defaultBaseUrl: 'https://graph.instagram.com',
  // 300 calls/s per professional account for text, links, reactions and stickers.
  rateLimit: { perSecond: 300, burst: 100 },
  maybeSentPolicy: 'resend_once',
  // As Messenger: outside 24 h only the HUMAN_AGENT tag (within 7 days) is allowed.
  sessionWindow: {
    hours: INSTAGRAM_LIMITS.sessionWindowHours,
    allowedOutside: (_m, o) => o?.['messagingType'] === 'MESSAGE_TAG',
    outside: 'only messages tagged HUMAN_AGENT',
  },
  capabilities: INSTAGRAM_CAPABILITIES,
  limits: [
    limitTable(
      'INSTAGRAM_LIMITS',
      'src/channels/instagram/limits.ts',
      INSTAGRAM_LIMITS,
      INSTAGRAM_LIMIT_NOTES,
    ),
    // Instagram speaks the Send API: its structural limits hold, but for the receipt template's
    // (a receipt is sent as text).
    limitTable(
      'SEND_API_LIMITS',
      'src/channels/families/send-api/limits.ts',
      SEND_API_LIMITS,
      SEND_API_LIMIT_NOTES,
      ['receiptElements'],
    ),
    limitTable(
      'INSTAGRAM_ATTACHMENT_BYTES',
      'src/channels/instagram/provider/linked-media.ts',
      INSTAGRAM_ATTACHMENT_BYTES,
      INSTAGRAM_ATTACHMENT_NOTES,
    ),
  ],
  credentialsSchema: InstagramCredentials,
  sandboxCredentials: INSTAGRAM_SANDBOX_CREDENTIALS,
  optionsSchema: InstagramOptions,
  checkRecipient: (to) => checkScopedId('Instagram-scoped (IGSID)', to),
  check: (message) => checkSendApi(INSTAGRAM_FLAVOR, message),
  linkedMedia: instagramLinkedMedia,
  render: (message, ctx) =>
    renderSendApi(INSTAGRAM_FLAVOR, message, ctx, optionsOf(InstagramOptions, ctx.options)),
  authorize: (request, credentials) => bearer(request, credentials['accessToken']),
  classify: (response) => classifySendApi('instagram', 'Instagram', response),
  verifyInbound: (request, credentials) => verifyHubSignature(request, credentials['appSecret']),
  parseInbound: parseSendApiWebhook,
  handshake: hubHandshake,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { instagramEmulator } from './emulator/index.ts';
