/**
 * Request and response schemas of /v1/messages. Fastify validates with them and @fastify/swagger
 * publishes them, so the OpenAPI document is generated from exactly what is enforced.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { ConnectorRegistry } from '../../core/ports/channel.ts';
import { DEFAULT_CALLBACK_EVENTS, EVENT_TYPES } from '../../core/vocabulary/callback-events.ts';
import { CanonicalMessage, SendableMessage, StringEnum } from '../../core/vocabulary/message.ts';
import { MESSAGE_STATUSES } from '../../core/vocabulary/status.ts';
import { PageLimit } from './pagination.ts';

export const MAX_RECIPIENTS = 1000;

/**
 * One recipient or up to 1000. Written as one schema with `type: [string, array]` rather than
 * `anyOf`, because JSON Schema applies string keywords only to strings and array keywords only to
 * arrays: a bad value then gets exactly one clear error instead of one per branch.
 */
export const Recipients = Type.Unsafe<string | string[] | { contactId: string }>({
  type: ['string', 'array', 'object'],
  minLength: 1,
  maxLength: 256,
  items: { type: 'string', minLength: 1, maxLength: 256 },
  minItems: 1,
  maxItems: MAX_RECIPIENTS,
  properties: { contactId: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['contactId'],
  additionalProperties: false,
  description: `The provider's address of the person (LINE user id, Telegram chat id, ...), an array of 1 to ${MAX_RECIPIENTS}, or \`{ "contactId": ... }\`: the contact's identity on the channel (/v1/contacts).`,
});

/** Provider addresses only (a preview renders without looking contacts up). */
export const AddressRecipients = Type.Unsafe<string | string[]>({
  type: ['string', 'array'],
  minLength: 1,
  maxLength: 256,
  items: { type: 'string', minLength: 1, maxLength: 256 },
  minItems: 1,
  maxItems: MAX_RECIPIENTS,
  description: "The provider's address of the person, or an array of them.",
});

/**
 * Per-channel options keyed by channel name, each validated by that connector's own schema, so a
 * misspelt option or a wrong type is a 400 naming it rather than silently ignored.
 */
const channelOptionsSchema = (connectors: ConnectorRegistry) =>
  Type.Object(
    Object.fromEntries(
      Object.values(connectors)
        .filter((c) => c.optionsSchema)
        .map((c) => [c.name, Type.Optional(c.optionsSchema!)]),
    ),
    {
      additionalProperties: false,
      description: 'Per-channel options keyed by channel name, e.g. `{ "line": { "replyToken": "..." } }`.',
    },
  );

/** The body of a send: `channel` is one of the connectors the gateway runs, `options` theirs. */
export const sendRequestSchema = (connectors: ConnectorRegistry) =>
  Type.Object(
    {
      channel: StringEnum(Object.keys(connectors), 'The channel to send on.'),
      from: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 64,
          description: "Channel account id; default: the tenant's first.",
        }),
      ),
      to: Recipients,
      message: SendableMessage,
      options: Type.Optional(channelOptionsSchema(connectors)),
      correlationId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
      callbackUrl: Type.Optional(
        Type.String({
          format: 'uri',
          pattern: '^https?://',
          maxLength: 2000,
          description: 'Receives the status changes named by `callbackEvents`, signed per Standard Webhooks.',
        }),
      ),
      callbackEvents: Type.Optional(
        Type.Array(StringEnum(EVENT_TYPES), {
          minItems: 1,
          uniqueItems: true,
          description:
            'The events `callbackUrl` receives (`message.sent`, `message.failed`, ..., or `*` for all). ' +
            `Default: ${DEFAULT_CALLBACK_EVENTS.map((e) => `\`${e}\``).join(', ')}; ` +
            'not `message.queued` (the 202 says so) nor `message.sending`.',
        }),
      ),
      callbackData: Type.Optional(Type.String({ maxLength: 4096, description: 'Echoed in every callback.' })),
      smartlinks: Type.Optional(
        Type.Array(
          Type.Object(
            {
              linkId: Type.String({
                minLength: 1,
                maxLength: 64,
                description: 'A stored link (POST /v1/links).',
              }),
              validity: Type.Optional(
                Type.Integer({
                  minimum: 60,
                  maximum: 365 * 86_400,
                  description: 'Seconds the short URL works; 30 days by default.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          {
            minItems: 1,
            maxItems: 10,
            description:
              '`{{link_N}}` in the message becomes a short URL for entry N, unique per recipient; clicks are recorded.',
          },
        ),
      ),
      policy: Type.Optional(
        Type.Object(
          {
            checkConsent: Type.Optional(Type.Boolean()),
            purpose: Type.Optional(
              StringEnum(['transactional', 'marketing'], 'What the message is for. Default: marketing.'),
            ),
            applyFrequencyCap: Type.Optional(Type.Boolean()),
            group: Type.Optional(
              Type.String({ minLength: 1, maxLength: 100, description: 'The frequency-cap group.' }),
            ),
            quietHours: Type.Optional(
              Type.Object(
                {
                  start: Type.String({
                    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
                    description: 'Local HH:MM.',
                  }),
                  end: Type.String({
                    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
                    description: 'Local HH:MM.',
                  }),
                  mode: StringEnum(
                    ['hold', 'reject'],
                    '`hold` sends when the window ends; `reject` refuses.',
                  ),
                },
                { additionalProperties: false, description: "Quiet hours in the contact's time zone." },
              ),
            ),
          },
          {
            additionalProperties: false,
            description:
              'Contact policy for this send: marketing needs an opt-in, transactional is refused only after an opt-out; ' +
              'a frequency cap counts messages per contact in its group (PUT /v1/frequency-caps/:group). What was applied ' +
              'is recorded on each message.',
          },
        ),
      ),
      force: Type.Optional(
        Type.Boolean({
          description:
            'Send even into a conversation an agent owns (otherwise refused with `conversation_owned_by_agent`); recorded on the message and the conversation.',
        }),
      ),
      expiresAt: Type.Optional(
        Type.String({
          format: 'date-time',
          description: 'Never send after this instant; the message ends `expired`.',
        }),
      ),
      priority: Type.Optional(
        StringEnum(
          ['transactional', 'bulk'],
          'Which dispatch lane the messages wait in: `transactional` ones go before any `bulk` one, ' +
            'and each lane is shared round robin across tenants and channel accounts. Default: ' +
            '`transactional` for one recipient, `bulk` for several.',
        ),
      ),
    },
    { additionalProperties: false, $id: 'SendRequest' },
  );
export type SendRequest = Static<ReturnType<typeof sendRequestSchema>>;

export const previewRequestSchema = (connectors: ConnectorRegistry) =>
  Type.Object(
    {
      ...sendRequestSchema(connectors).properties,
      // A preview renders what it is given; stored templates are filled by a send.
      message: CanonicalMessage,
      channel: Type.Optional(
        StringEnum(Object.keys(connectors), 'The channel to preview; omitted: every channel.'),
      ),
      to: Type.Optional(AddressRecipients),
    },
    {
      additionalProperties: false,
      $id: 'PreviewRequest',
      description:
        'The body of a send. `channel` and `to` may be left out: without a channel every channel is previewed, ' +
        'without a recipient a placeholder is rendered in its place.',
    },
  );

const FieldIssueSchema = Type.Object({ pointer: Type.String(), rule: Type.String(), detail: Type.String() });

export const ChannelPreview = Type.Object({
  channel: Type.String(),
  support: StringEnum(['native', 'degraded', 'refused', 'invalid']),
  reason: Type.Optional(Type.String({ description: 'Why the channel refuses the kind.' })),
  errors: Type.Optional(Type.Array(FieldIssueSchema, { description: 'What the channel would refuse.' })),
  account: Type.Optional(
    Type.String({
      description:
        "The channel account the send would go through; the requests show what it adds (Viber's sender).",
    }),
  ),
  recipients: Type.Array(
    Type.Object({
      to: Type.String(),
      request: Type.Object(
        {
          method: Type.String(),
          path: Type.String(),
          headers: Type.Optional(Type.Record(Type.String(), Type.String())),
          body: Type.Unknown(),
        },
        {
          description:
            'The provider request exactly as it would be sent from `account`, secrets apart (left out, or placeholders such as `{token}`).',
        },
      ),
      degradations: Type.Array(
        Type.Object({ pointer: Type.String(), from: Type.String(), to: Type.String(), rule: Type.String() }),
      ),
      choices: Type.Optional(
        Type.Array(Type.Object({ number: Type.Integer(), title: Type.String(), payload: Type.String() })),
      ),
    }),
  ),
});

export const PreviewResponse = Type.Object({ previews: Type.Array(ChannelPreview) });

export const Status = StringEnum([...MESSAGE_STATUSES]);

export const AcceptedMessage = Type.Object({ id: Type.String(), to: Type.String(), status: Status });

export const SendResponse = Type.Object({
  messages: Type.Array(AcceptedMessage),
  correlationId: Type.Optional(Type.String()),
});
export type SendResponse = Static<typeof SendResponse>;

export const StatusEventSchema = Type.Object({
  status: Status,
  at: Type.String({ format: 'date-time' }),
  reason: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const MessageView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  from: Type.String({ description: 'Channel account id.' }),
  to: Type.String(),
  status: Status,
  statusReason: Type.Optional(Type.String()),
  providerMessageId: Type.Optional(Type.String()),
  attempts: Type.Integer(),
  maybeSentResends: Type.Integer({
    description:
      'Times it was sent again after an answer that left the outcome unknown (a cut connection, a proxy 5xx), ' +
      'as the channel allows: each may have delivered it a second time. Each has a `maybe_sent_resend` event.',
  }),
  correlationId: Type.Optional(Type.String()),
  callbackUrl: Type.Optional(Type.String()),
  callbackData: Type.Optional(Type.String()),
  callbackEvents: Type.Optional(
    Type.Array(Type.String(), { description: 'The events `callbackUrl` receives; `*` for all.' }),
  ),
  expiresAt: Type.Optional(Type.String()),
  contactId: Type.Optional(
    Type.String({ description: 'The contact the send addressed, when it named one.' }),
  ),
  forced: Type.Optional(
    Type.Boolean({ description: 'Sent with `force` into a conversation an agent owned.' }),
  ),
  policy: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'The contact policy applied: consent found, cap counts.',
    }),
  ),
  template: Type.Optional(
    Type.Object(
      { name: Type.String(), version: Type.Integer() },
      { description: 'The stored template `message` was filled from.' },
    ),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  message: Type.Unknown({ description: 'The canonical message as sent to the API.' }),
  providerRequest: Type.Object(
    {
      method: Type.String(),
      path: Type.String(),
      headers: Type.Optional(Type.Unknown()),
      body: Type.Unknown(),
    },
    { description: 'The exact request rendered for the provider (credentials are applied at send time).' },
  ),
  degradations: Type.Array(
    Type.Object({ pointer: Type.String(), from: Type.String(), to: Type.String(), rule: Type.String() }),
  ),
  events: Type.Optional(Type.Array(StatusEventSchema)),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    channel: Type.Optional(Type.String()),
    correlationId: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    limit: PageLimit,
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;
