/**
 * What a Messenger channel account holds, what a send request may add under `options.messenger`,
 * and the fixed credentials of the built-in sandbox Page.
 */
import { type Static, Type } from '@sinclair/typebox';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { MESSAGING_TYPES, NOTIFICATION_TYPES } from '../families/send-api/limits.ts';
import { tagRule } from '../families/send-api/options.ts';
import { MESSENGER_TAGS } from './limits.ts';

export const MessengerCredentials = Type.Object(
  {
    pageAccessToken: Type.String({ minLength: 1, description: 'Page access token with pages_messaging.' }),
    appSecret: Type.String({
      minLength: 1,
      description: 'The app secret; Meta signs webhooks with it (X-Hub-Signature-256).',
    }),
    verifyToken: Type.String({
      minLength: 1,
      description: 'The verify token you typed in the webhook settings; answers the hub.challenge GET.',
    }),
  },
  { additionalProperties: false },
);
export type MessengerCredentials = Static<typeof MessengerCredentials>;

export const MessengerOptions = Type.Object(
  {
    messagingType: Type.Optional(
      StringEnum(
        [...MESSAGING_TYPES],
        'RESPONSE (default: within 24 h of the person’s message), UPDATE, or MESSAGE_TAG (give `tag`).',
      ),
    ),
    tag: Type.Optional(
      StringEnum(
        [...MESSENGER_TAGS],
        'Message tag for sending outside the 24-hour window; MESSAGE_TAG only.',
      ),
    ),
    notificationType: Type.Optional(
      StringEnum([...NOTIFICATION_TYPES], 'REGULAR (default), SILENT_PUSH or NO_PUSH.'),
    ),
  },
  { additionalProperties: false, ...tagRule },
);
export type MessengerOptions = Static<typeof MessengerOptions>;

/** Not secrets: the emulator accepts exactly these. */
export const MESSENGER_SANDBOX_CREDENTIALS = {
  pageAccessToken: 'EAASandboxMessengerPageToken0000000000000000',
  appSecret: 'sandbox-messenger-app-secret',
  verifyToken: 'sandbox-messenger-verify',
} as const satisfies MessengerCredentials;

/** The sandbox Page's id, the `recipient` of the webhooks the emulator sends. */
export const SANDBOX_PAGE_ID = '104000000000001';
