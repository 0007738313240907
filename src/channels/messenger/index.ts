/**
 * Facebook Messenger Send API connector. See README.md in this folder for Messenger's quirks and
 * the choices made for what Messenger cannot show. The renderers, checks, classifier and webhook
 * parser are the Send API family's (../families/send-api), which Instagram (../instagram) shares,
 * read with Messenger's flavour (provider/flavor.ts); so is the emulator, with Messenger's profile.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import { hubHandshake, verifyHubSignature } from '../families/meta-graph/webhook.ts';
import { bearer } from '../families/send-api/authorize.ts';
import { checkScopedId, checkSendApi } from '../families/send-api/check.ts';
import { classifySendApi } from '../families/send-api/classify.ts';
import { parseSendApiWebhook } from '../families/send-api/inbound.ts';
import { renderSendApi } from '../families/send-api/render.ts';
import { limitTable } from '../kit/limit-notes.ts';
import { optionsOf } from '../kit/options.ts';
import { MESSENGER_CAPABILITIES } from './capabilities.ts';
import { MESSENGER_LIMIT_NOTES, MESSENGER_LIMITS } from './limits.ts';
import { MESSENGER_SANDBOX_CREDENTIALS, MessengerCredentials, MessengerOptions } from './options.ts';
import { MESSENGER_FLAVOR } from './provider/flavor.ts';

export const messengerConnector: ChannelConnector = {
  name: 'messenger',
  displayName: 'Facebook Messenger',
  defaultBaseUrl: 'https://graph.facebook.com',
  // Send API: 300 calls/s per Page for text, links, reactions and stickers (10/s for audio and video,
  // which the dispatcher's one rate cannot tell apart; README.md).
  rateLimit: { perSecond: 300, burst: 100 },
  // The Send API has no idempotency key: a resent request is a second message.
  maybeSentPolicy: 'resend_once',
  // Outside 24 h only tagged messages go (10 / 2018278 otherwise).
  sessionWindow: {
    hours: MESSENGER_LIMITS.sessionWindowHours,
    allowedOutside: (_m, o) => o?.['messagingType'] === 'MESSAGE_TAG',
    outside: 'only messages with messagingType MESSAGE_TAG and a tag',
  },
  capabilities: MESSENGER_CAPABILITIES,
  limits: [
    limitTable(
      'MESSENGER_LIMITS',
      'src/channels/messenger/limits.ts',
      MESSENGER_LIMITS,
      MESSENGER_LIMIT_NOTES,
    ),
  ],
  credentialsSchema: MessengerCredentials,
  sandboxCredentials: MESSENGER_SANDBOX_CREDENTIALS,
  optionsSchema: MessengerOptions,
  checkRecipient: (to) => checkScopedId('Messenger page-scoped (PSID)', to),
  check: (message) => checkSendApi(MESSENGER_FLAVOR, message),
  render: (message, ctx) =>
    renderSendApi(MESSENGER_FLAVOR, message, ctx, optionsOf(MessengerOptions, ctx.options)),
  authorize: (request, credentials) => bearer(request, credentials['pageAccessToken']),
  classify: (response) => classifySendApi('messenger', 'Messenger', response),
  verifyInbound: (request, credentials) => verifyHubSignature(request, credentials['appSecret']),
  parseInbound: parseSendApiWebhook,
  handshake: hubHandshake,
};

/** The emulator registers beside the connector, under sandbox (src/sandbox/host.ts); the connector never uses it. */
export { messengerEmulator } from './emulator/index.ts';
