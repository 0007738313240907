/**
 * What a LINE channel account holds, what a send request may add under `options.line`, and the
 * fixed credentials of the built-in sandbox account.
 */
import { type Static, Type } from '@sinclair/typebox';
import { LINE_LIMITS } from './limits.ts';

export const LineCredentials = Type.Object(
  {
    channelAccessToken: Type.String({ minLength: 1, description: 'Long-lived channel access token.' }),
    channelSecret: Type.String({ minLength: 1, description: 'Channel secret; signs inbound webhooks.' }),
  },
  { additionalProperties: false },
);
export type LineCredentials = Static<typeof LineCredentials>;

export const LineOptions = Type.Object(
  {
    replyToken: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Answer an inbound event with the reply API (free of quota) instead of a push.',
      }),
    ),
    replyTokenFallback: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('push')], {
        description:
          'When the reply token is older than LINE accepts: `reject` (default) refuses the send with 422 ' +
          '`reply_token_expired`; `push` sends it with the push API instead (counted against the quota).',
      }),
    ),
    notificationDisabled: Type.Optional(
      Type.Boolean({ description: 'Deliver without a push notification.' }),
    ),
    loadingSeconds: Type.Optional(
      Type.Integer({
        // LINE's 5..60 in steps of 5 is refused with 422 by check-options.ts, like every provider limit.
        description: `How long a \`typing_on\` loading indicator shows, in seconds (LINE: ${LINE_LIMITS.loadingSecondsMin} to ${LINE_LIMITS.loadingSecondsMax} in steps of ${LINE_LIMITS.loadingSecondsStep}; default 20).`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type LineOptions = Static<typeof LineOptions>;

/** Not secrets: the emulator accepts exactly these and nothing else. */
export const LINE_SANDBOX_CREDENTIALS = {
  channelAccessToken: 'sandbox-line-channel-access-token',
  channelSecret: 'sandbox-line-channel-secret',
} as const satisfies LineCredentials;
