/**
 * What an Instagram channel account holds (Instagram API with Instagram Login: an Instagram user
 * access token), what a send request may add under `options.instagram`, and the sandbox's
 * credentials.
 */
import { type Static, Type } from '@sinclair/typebox';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { tagRule } from '../families/send-api/options.ts';
import { INSTAGRAM_TAGS } from './limits.ts';

export const InstagramCredentials = Type.Object(
  {
    accessToken: Type.String({
      minLength: 1,
      description:
        'Instagram user access token with instagram_business_manage_messages (or a Page token with the Facebook-Login flavour).',
    }),
    appSecret: Type.String({
      minLength: 1,
      description: 'The Instagram app secret; signs webhooks (X-Hub-Signature-256).',
    }),
    verifyToken: Type.String({
      minLength: 1,
      description: 'The verify token of the webhook settings (hub.challenge).',
    }),
  },
  { additionalProperties: false },
);

export const InstagramOptions = Type.Object(
  {
    messagingType: Type.Optional(
      StringEnum(
        ['RESPONSE', 'MESSAGE_TAG'],
        'MESSAGE_TAG with tag HUMAN_AGENT answers up to 7 days after the person’s message.',
      ),
    ),
    tag: Type.Optional(StringEnum([...INSTAGRAM_TAGS], 'HUMAN_AGENT, with messagingType MESSAGE_TAG only.')),
  },
  { additionalProperties: false, ...tagRule },
);
export type InstagramOptions = Static<typeof InstagramOptions>;

export const INSTAGRAM_SANDBOX_CREDENTIALS = {
  accessToken: 'IGSandboxInstagramUserToken000000000000000',
  appSecret: 'sandbox-instagram-app-secret',
  verifyToken: 'sandbox-instagram-verify',
} as const;

/** The sandbox's Instagram professional account id. */
export const SANDBOX_IG_ID = '17841400000000001';
