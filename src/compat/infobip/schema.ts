/**
 * Infobip's LINE single-message API (`POST /line/1/single`, seed 004) as TypeBox schemas: Fastify
 * validates the body with them and @fastify/swagger publishes them under the `infobip` tag. Field
 * names and the upper-case type constants are Infobip's; URL and number rules are the ones the
 * canonical message holds, so a body that passes here translates into a valid canonical message.
 * LINE's own length and count limits are left to the LINE connector's checks (translate.ts), which
 * count in LINE's units.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Text = (description: string) => Type.String({ minLength: 1, description });
const HttpUrl = (description: string) =>
  Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description });
/** The schemes LINE opens from a URI action. */
const ActionUri = Type.String({
  pattern: '^(https?|line|tel):',
  maxLength: 1000,
  description: 'Action URI (http, https, line or tel).',
});

/**
 * A union selected by its `type`, validated with ajv's `discriminator` keyword so that a bad body
 * gets the errors of the branch its type names rather than those of every branch.
 */
function byType<T extends TSchema[]>(branches: [...T], description: string) {
  return Type.Unsafe<Static<T[number]>>({
    type: 'object',
    oneOf: branches,
    discriminator: { propertyName: 'type' },
    description,
  });
}

const strict = { additionalProperties: false } as const;

// ----- template actions ------------------------------------------------------------------------

const PostbackAction = Type.Object(
  { type: Type.Literal('POSTBACK'), label: Text('Action label.'), data: Text('Action data.') },
  strict,
);
const MessageAction = Type.Object(
  { type: Type.Literal('MESSAGE'), label: Text('Action label.'), text: Text('Action text.') },
  strict,
);
const UriAction = Type.Object(
  { type: Type.Literal('URI'), label: Text('Action label.'), uri: ActionUri },
  strict,
);
export const TemplateAction = byType([PostbackAction, MessageAction, UriAction], 'Template action.');
export type TemplateAction = Static<typeof TemplateAction>;

const Actions = (min: number, max: number, description = 'Template actions.') =>
  Type.Array(TemplateAction, { minItems: min, maxItems: max, description });

// ----- templates -------------------------------------------------------------------------------

const ButtonsTemplate = Type.Object(
  {
    type: Type.Literal('BUTTONS'),
    thumbnailImageUrl: Type.Optional(HttpUrl('Buttons template thumbnail image.')),
    title: Type.Optional(Text('Buttons template title.')),
    text: Text('Buttons template text.'),
    actions: Actions(1, 100),
  },
  strict,
);
const ConfirmTemplate = Type.Object(
  {
    type: Type.Literal('CONFIRM'),
    text: Text('Confirm template text.'),
    actions: Actions(2, 2, 'Exactly two actions: LINE shows them side by side.'),
  },
  strict,
);
const CarouselColumn = Type.Object(
  {
    thumbnailImageUrl: Type.Optional(HttpUrl('Carousel column thumbnail image.')),
    title: Type.Optional(Text('Carousel column title.')),
    text: Text('Carousel column text.'),
    actions: Actions(1, 100),
  },
  strict,
);
const CarouselTemplate = Type.Object(
  {
    type: Type.Literal('CAROUSEL'),
    columns: Type.Array(CarouselColumn, { minItems: 1, maxItems: 100, description: 'Carousel columns.' }),
  },
  strict,
);
const Template = byType(
  [ButtonsTemplate, ConfirmTemplate, CarouselTemplate],
  'Template specification: buttons, confirm or carousel.',
);

// ----- imagemap --------------------------------------------------------------------------------

const Area = Type.Object(
  {
    x: Type.Integer({ minimum: 0, description: 'X coordinate of the action box.' }),
    y: Type.Integer({ minimum: 0, description: 'Y coordinate of the action box.' }),
    width: Type.Integer({ minimum: 1, description: 'Width of the action box.' }),
    height: Type.Integer({ minimum: 1, description: 'Height of the action box.' }),
  },
  strict,
);
const ImagemapUriAction = Type.Object(
  { type: Type.Literal('URI'), linkUri: ActionUri, area: Area },
  { ...strict, description: 'Opens linkUri when the area is tapped.' },
);
const ImagemapMessageAction = Type.Object(
  { type: Type.Literal('MESSAGE'), text: Text('Message to send on action.'), area: Area },
  { ...strict, description: 'Sends text as the person when the area is tapped.' },
);

// ----- messages --------------------------------------------------------------------------------

const TextMessage = Type.Object({ type: Type.Literal('TEXT'), text: Text('Text of the message.') }, strict);
const ImageMessage = Type.Object(
  {
    type: Type.Literal('IMAGE'),
    url: HttpUrl('URL of the image.'),
    thumbnailUrl: Type.Optional(HttpUrl('URL of the image thumbnail.')),
  },
  strict,
);
const VideoMessage = Type.Object(
  {
    type: Type.Literal('VIDEO'),
    url: HttpUrl('URL of the video.'),
    thumbnailUrl: Type.Optional(HttpUrl('URL of the video thumbnail (LINE requires one).')),
  },
  strict,
);
const AudioMessage = Type.Object(
  {
    type: Type.Literal('AUDIO'),
    url: HttpUrl('URL of the audio.'),
    duration: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Duration of audio in milliseconds (LINE requires it).' }),
    ),
  },
  strict,
);
const LocationMessage = Type.Object(
  {
    type: Type.Literal('LOCATION'),
    title: Type.Optional(Text('Location title.')),
    address: Type.Optional(Text('Location address.')),
    latitude: Type.Number({ minimum: -90, maximum: 90, description: 'Location latitude.' }),
    longitude: Type.Number({ minimum: -180, maximum: 180, description: 'Location longitude.' }),
  },
  strict,
);
const StickerMessage = Type.Object(
  {
    type: Type.Literal('STICKER'),
    packageId: Text('Id of the sticker package.'),
    stickerId: Text('Id of the sticker.'),
  },
  strict,
);
const ImagemapMessage = Type.Object(
  {
    type: Type.Literal('IMAGEMAP'),
    baseUrl: HttpUrl('Base URL that will have the image width appended.'),
    altText: Text('Alternative text.'),
    baseSize: Type.Object(
      {
        width: Type.Integer({ minimum: 1, description: 'Width of the base image.' }),
        height: Type.Integer({ minimum: 1, description: 'Height of the base image.' }),
      },
      strict,
    ),
    actions: Type.Array(byType([ImagemapUriAction, ImagemapMessageAction], 'Imagemap action.'), {
      minItems: 1,
      maxItems: 100,
    }),
  },
  strict,
);
const TemplateMessage = Type.Object(
  { type: Type.Literal('TEMPLATE'), altText: Text('Alternative text.'), template: Template },
  strict,
);

export const INFOBIP_MESSAGE_TYPES = [
  'TEXT',
  'IMAGE',
  'VIDEO',
  'AUDIO',
  'LOCATION',
  'STICKER',
  'IMAGEMAP',
  'TEMPLATE',
] as const;

export const InfobipMessage = byType(
  [
    TextMessage,
    ImageMessage,
    VideoMessage,
    AudioMessage,
    LocationMessage,
    StickerMessage,
    ImagemapMessage,
    TemplateMessage,
  ],
  'Message object; `type` selects the kind.',
);
export type InfobipMessage = Static<typeof InfobipMessage>;
export type InfobipMessageOf<K extends InfobipMessage['type']> = Extract<InfobipMessage, { type: K }>;

export const SingleRequest = Type.Object(
  {
    from: Text(
      'Application key you are using to send messages: the id of a LINE channel account, or the name it was registered under.',
    ),
    to: Text(
      'User key: an `infobip` identity of a contact (POST /v1/contacts), a LINE user id, or a phone number: the contact with that `phone` identity and a LINE identity (none: 200 with status REJECTED_DESTINATION).',
    ),
    message: InfobipMessage,
  },
  strict,
);
export type SingleRequest = Static<typeof SingleRequest>;

// ----- answers ---------------------------------------------------------------------------------

const Status = Type.Object({
  groupId: Type.Integer(),
  groupName: Type.String(),
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
});

export const SingleResponse = Type.Object(
  {
    messages: Type.Array(
      Type.Object({
        to: Type.String({ description: 'The `to` of the request.' }),
        status: Status,
        messageId: Type.String({ description: "Omnigate's message id (GET /v1/messages/{id})." }),
      }),
    ),
  },
  { description: 'Accepted: stored and queued for LINE.' },
);
export type SingleResponse = Static<typeof SingleResponse>;

export const ErrorResponse = Type.Object(
  {
    requestError: Type.Object({
      serviceException: Type.Object({
        messageId: Type.String({ description: 'BAD_REQUEST, UNAUTHORIZED, NOT_FOUND or GENERAL_ERROR.' }),
        text: Type.String(),
        validationErrors: Type.Optional(
          Type.Record(Type.String(), Type.Array(Type.String()), {
            description:
              'Per offending request field (e.g. `message.template.actions[0].label`), what is wrong.',
          }),
        ),
      }),
    }),
  },
  { description: "Infobip's API error." },
);
export type ErrorResponse = Static<typeof ErrorResponse>;
