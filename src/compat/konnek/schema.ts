/**
 * Konnek's send-message API (seed 002) as TypeBox schemas: Fastify validates the body with them
 * and @fastify/swagger publishes them under the `konnek` tag. Field names are Konnek's.
 *
 * The schema holds what is true of every request: the five fields the table marks mandatory at the
 * top, and the JSON type of every field. Which nested fields are mandatory depends on `type` (the
 * document's own sample carries media, location, buttons and a list on a `text` message, empty),
 * so translate.ts checks those for the type being sent. Unknown fields are let through: nothing
 * in the document says Konnek refuses them. The route validates with `lenient`, and the fields not
 * described here are ignored and recorded on the message (shared/ignored-fields.ts).
 */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_IDEMPOTENCY_KEY_LENGTH, StringEnum } from '../../core/index.ts';

/** The `type` values of the field table. */
export const KONNEK_TYPES = ['text', 'image', 'video', 'audio', 'button', 'list', 'location'] as const;
export type KonnekType = (typeof KONNEK_TYPES)[number];

/** The key the façade stores a Konnek `id` under as a native idempotency key (see index.ts). */
export const IDEMPOTENCY_PREFIX = 'konnek:';

const Str = (description: string) => Type.String({ description });

const Button = Type.Object({
  key: Type.Optional(Str('Button id, returned as the postback when the person taps it.')),
  title: Type.Optional(Str('Button label.')),
});
export type KonnekButton = Static<typeof Button>;

const ListAction = Type.Object({
  key: Type.Optional(Str('Row id, returned as the postback when the person picks it.')),
  title: Type.Optional(Str('Row name.')),
  description: Type.Optional(Str('Row description.')),
});

const ListSection = Type.Object({
  title: Type.Optional(Str('Section title.')),
  description: Type.Optional(Str('Section description (no channel shows one; see docs/compat/konnek.md).')),
  actions: Type.Optional(Type.Array(ListAction, { description: 'The rows to choose from.' })),
});

export const KonnekBody = Type.Object({
  text: Type.Optional(Str('The text; the caption of media; the text above buttons or a list.')),
  media: Type.Optional(
    Type.Object({
      url: Type.Optional(Str('Media URL (http or https).')),
      name: Type.Optional(Str('Display name of the file.')),
    }),
  ),
  location: Type.Optional(
    Type.Object({
      latitude: Type.Optional(Type.Number({ description: 'Latitude, decimal degrees.' })),
      longitude: Type.Optional(Type.Number({ description: 'Longitude, decimal degrees.' })),
    }),
  ),
  button: Type.Optional(
    Type.Union([Type.Array(Button), Button], {
      description: 'The buttons: an array, as the sample sends it (one object is taken as one button).',
    }),
  ),
  list: Type.Optional(
    Type.Object({
      title: Type.Optional(Str('The label of the button that opens the list.')),
      sections: Type.Optional(Type.Array(ListSection)),
    }),
  ),
});
export type KonnekBody = Static<typeof KonnekBody>;

export const KonnekHeader = Type.Object(
  {
    type: Type.Optional(Str('text, image, video or document.')),
    text: Type.Optional(Str('Header text (type text).')),
    media_url: Type.Optional(Str('Header media URL (type image, video, document).')),
  },
  { description: 'Header of a button or list message.' },
);
export type KonnekHeader = Static<typeof KonnekHeader>;

export const KonnekFooter = Type.Object(
  { title: Type.Optional(Str('Footer title.')), text: Type.Optional(Str('Footer text.')) },
  { description: 'Footer of a button or list message.' },
);
export type KonnekFooter = Static<typeof KonnekFooter>;

export const SendRequest = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: MAX_IDEMPOTENCY_KEY_LENGTH - IDEMPOTENCY_PREFIX.length,
    description: 'Your message id: a retry with the same id is answered without sending twice.',
  }),
  reply_id: Type.Optional(Str('The id of the message this one replies to (WhatsApp, Telegram).')),
  times: Type.Integer({ description: 'Unix time of sending.' }),
  timestamp: Type.Optional(Str('Date and time of sending (RFC 3339). Mandatory, or `timestampt`.')),
  timestampt: Type.Optional(Str("The document's sample spelling of `timestamp`, accepted as it.")),
  reply_token: Type.Optional(Str('Telegram reply token; accepted and not used (see docs/compat/konnek.md).')),
  recipient: Type.String({ minLength: 1, maxLength: 256, description: "The recipient's phone number." }),
  type: StringEnum([...KONNEK_TYPES], 'Message type.'),
  body: Type.Optional(KonnekBody),
  header: Type.Optional(KonnekHeader),
  footer: Type.Optional(KonnekFooter),
});
export type SendRequest = Static<typeof SendRequest>;

const Meta = Type.Object({
  status: Type.Boolean({ description: 'true: success, false: failed.' }),
  code: Type.Integer({ description: 'The HTTP status code.' }),
  message: Type.String({ description: 'The HTTP reason phrase.' }),
  errors: Type.Union([Type.String(), Type.Null()], { description: 'What was wrong, field by field.' }),
});

export const MessageData = Type.Object({
  message_id: Type.String({ description: "Omnigate's message id (GET /v1/messages/{id})." }),
  status: Type.Integer({
    minimum: -3,
    maximum: 3,
    description: '-3 Failed, -2 Undelivered, -1 Unsent, 0 Pending, 1 Sent, 2 Delivered, 3 Read.',
  }),
  tid: Type.String({ description: 'Transaction id: the request’s `id`, the same on every retry.' }),
});
export type MessageData = Static<typeof MessageData>;

export const Answer = Type.Object({ meta: Meta, data: MessageData });
export type Answer = Static<typeof Answer>;

export const ErrorAnswer = Type.Object({ meta: Meta, data: Type.Null() });
export type ErrorAnswer = Static<typeof ErrorAnswer>;

export const SendParams = Type.Object({
  clientID: Type.String({ description: 'A channel account id, or the name it was registered under.' }),
});
export type SendParams = Static<typeof SendParams>;

export const StatusParams = Type.Object({
  clientID: Type.String({ description: 'A channel account id, or the name it was registered under.' }),
  messageId: Type.String({ maxLength: 300, description: "Omnigate's message id, or the `id` you sent." }),
});
export type StatusParams = Static<typeof StatusParams>;
