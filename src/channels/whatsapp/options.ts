/**
 * What a WhatsApp channel account holds, what a send request may add under `options.whatsapp`, and
 * the fixed credentials of the built-in sandbox account.
 */
import { type Static, Type } from '@sinclair/typebox';
import { WA_LIMITS } from './limits.ts';

export const WhatsAppCredentials = Type.Object(
  {
    accessToken: Type.String({ minLength: 1, description: 'System-user access token (Bearer).' }),
    phoneNumberId: Type.String({
      pattern: '^[0-9]+$',
      description: 'The business phone number id messages are sent from.',
    }),
    appSecret: Type.String({ minLength: 1, description: 'App secret; signs inbound webhooks.' }),
    verifyToken: Type.String({ minLength: 1, description: 'Answer to the GET hub.challenge handshake.' }),
  },
  { additionalProperties: false },
);
export type WhatsAppCredentials = Static<typeof WhatsAppCredentials>;

export const WhatsAppOptions = Type.Object(
  {
    previewUrl: Type.Optional(
      Type.Boolean({ description: 'Render a link preview for the first URL of a text message.' }),
    ),
    replyTo: Type.Optional(
      Type.String({
        pattern: '^wamid\\.',
        // The length bound is refused with 422 by check-options.ts, like every channel limit.
        description: `Quote an earlier message (\`context.message_id\`, a wamid; at most ${WA_LIMITS.replyToId} characters).`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type WhatsAppOptions = Static<typeof WhatsAppOptions>;

/** Not secrets: the emulator accepts exactly these and nothing else. */
export const WHATSAPP_SANDBOX_CREDENTIALS = {
  accessToken: 'sandbox-whatsapp-access-token',
  phoneNumberId: '106540352242922',
  appSecret: 'sandbox-whatsapp-app-secret',
  verifyToken: 'sandbox-whatsapp-verify-token',
} as const satisfies WhatsAppCredentials;
