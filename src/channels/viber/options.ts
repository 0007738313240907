/**
 * What a Viber channel account holds, what a send request may add under `options.viber`, and the
 * fixed credentials of the built-in sandbox bot.
 */
import { type Static, Type } from '@sinclair/typebox';
import { VIBER_LIMITS } from './limits.ts';

export const ViberCredentials = Type.Object(
  {
    authToken: Type.String({
      minLength: 1,
      description: "The bot's auth token (sent as X-Viber-Auth-Token; also keys the webhook signature).",
    }),
    senderName: Type.String({
      minLength: 1,
      maxLength: VIBER_LIMITS.senderName,
      description: 'The bot name every message carries in `sender.name` (Viber requires it).',
    }),
    senderAvatar: Type.Optional(
      Type.String({ format: 'uri', pattern: '^https?://', description: 'URL of the avatar (≤ 100 KB).' }),
    ),
  },
  { additionalProperties: false },
);
export type ViberCredentials = Static<typeof ViberCredentials>;

export const ViberOptions = Type.Object(
  {
    senderName: Type.Optional(
      Type.String({
        minLength: 1,
        // Viber's 28-character limit is refused with 422 by check-options.ts, like every provider limit.
        description: `Overrides the account's sender name for this message (Viber: at most ${VIBER_LIMITS.senderName} characters).`,
      }),
    ),
    senderAvatar: Type.Optional(
      Type.String({ format: 'uri', pattern: '^https?://', description: "Overrides the account's avatar." }),
    ),
    trackingData: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Returned by Viber with the person's next message (\`tracking_data\`; at most ${VIBER_LIMITS.trackingData} characters).`,
      }),
    ),
    minApiVersion: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 20, description: 'Lowest Viber client API level to deliver to.' }),
    ),
    mediaSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Size in bytes of the video or file at `url`. Viber requires it for video and file messages; without it they are sent as a link (`url` message).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ViberOptions = Static<typeof ViberOptions>;

/** Not secrets: the emulator accepts exactly these and nothing else. */
export const VIBER_SANDBOX_CREDENTIALS = {
  authToken: '4a6f6d6e69676174-65536e64626f7820-56696265725f6170',
  senderName: 'Omnigate Sandbox',
} as const satisfies ViberCredentials;
