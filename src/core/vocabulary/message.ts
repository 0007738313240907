/**
 * The canonical message: the one shape every channel connector renders from.
 *
 * These TypeBox schemas are the single source of truth: Fastify validates requests with them and
 * @fastify/swagger publishes them in /openapi.json, so the API and its documentation cannot drift.
 * Structural rules live here; channel limits (text length, number of buttons, ...) live in each
 * connector's `check`, because they differ per channel.
 */
import { type Static, type TSchema, type TUnion, Type } from '@sinclair/typebox';

const NonEmpty = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
/** A string enum as a plain JSON Schema `enum`, which gives one clear error instead of one per literal. */
export const StringEnum = <T extends string[]>(values: [...T], description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values, ...(description ? { description } : {}) });
const HttpUrl = (description: string) =>
  Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description });

// ----- actions ---------------------------------------------------------------------------------

export const ReplyAction = Type.Object(
  {
    type: Type.Literal('reply'),
    title: NonEmpty(256),
    payload: NonEmpty(1000, 'Postback payload returned to you when the person taps it.'),
  },
  { additionalProperties: false, description: 'A postback button: the tap comes back as an inbound event.' },
);
export const UrlAction = Type.Object(
  { type: Type.Literal('url'), title: NonEmpty(256), url: HttpUrl('Link opened on tap.') },
  { additionalProperties: false },
);
export const CallAction = Type.Object(
  {
    type: Type.Literal('call'),
    title: NonEmpty(256),
    phoneNumber: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164 number to dial.' }),
  },
  { additionalProperties: false },
);
export const LocationRequestAction = Type.Object(
  { type: Type.Literal('location_request'), title: NonEmpty(256) },
  { additionalProperties: false, description: "Asks for the person's location." },
);
export const MessageAction = Type.Object(
  {
    type: Type.Literal('message'),
    title: NonEmpty(256),
    text: NonEmpty(1000, 'Text sent as the person when tapped.'),
  },
  { additionalProperties: false },
);
/**
 * A tagged union validated through ajv's `discriminator` keyword, so a bad body gets the errors of
 * the branch its `type` names, not of every branch (which `anyOf` would give).
 */
function tagged<T extends TSchema[]>(branches: [...T], options: Record<string, unknown> = {}) {
  return Type.Unsafe<Static<TUnion<T>>>({
    type: 'object',
    ...options,
    oneOf: branches,
    discriminator: { propertyName: 'type' },
  });
}

export const Action = tagged([ReplyAction, UrlAction, CallAction, LocationRequestAction, MessageAction]);
export type Action = Static<typeof Action>;

// ----- message kinds ---------------------------------------------------------------------------

const kind = <K extends string, P extends Record<string, TSchema>>(type: K, props: P, description: string) =>
  Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false, description });

export const TextMessage = kind('text', { text: NonEmpty(100_000) }, 'Plain text.');

export const MediaMessage = kind(
  'media',
  {
    mediaType: StringEnum(['image', 'video', 'audio', 'file']),
    url: Type.Optional(HttpUrl('Where the provider fetches the media. Give `url` or `mediaId`.')),
    mediaId: Type.Optional(
      NonEmpty(
        1000,
        'Media already uploaded to the provider (WeChat media_id, WhatsApp media id, Telegram file_id), for channels that take one.',
      ),
    ),
    previewUrl: Type.Optional(HttpUrl('Thumbnail or preview image.')),
    caption: Type.Optional(NonEmpty(100_000)),
    durationMs: Type.Optional(Type.Integer({ minimum: 1 })),
    fileName: Type.Optional(NonEmpty(255)),
  },
  'An image, video, audio clip or file.',
);

export const LocationMessage = kind(
  'location',
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    title: Type.Optional(NonEmpty(1000)),
    address: Type.Optional(NonEmpty(1000)),
  },
  'A point on the map.',
);

export const StickerMessage = kind(
  'sticker',
  {
    stickerId: NonEmpty(1000, "The channel's sticker id (LINE sticker id, Telegram file_id or .webp URL)."),
    packageId: Type.Optional(NonEmpty(100, 'Sticker package (LINE).')),
  },
  'A sticker.',
);

const Header = Type.Object(
  { text: Type.Optional(NonEmpty(1000)), imageUrl: Type.Optional(HttpUrl('Header image.')) },
  { additionalProperties: false },
);

export const ButtonsMessage = kind(
  'buttons',
  {
    text: NonEmpty(100_000),
    title: Type.Optional(NonEmpty(1000)),
    header: Type.Optional(Header),
    footer: Type.Optional(NonEmpty(1000)),
    actions: Type.Array(Action, { minItems: 1, maxItems: 100 }),
  },
  'Body text with buttons.',
);

export const QuickRepliesMessage = kind(
  'quick_replies',
  { text: NonEmpty(100_000), replies: Type.Array(Action, { minItems: 1, maxItems: 100 }) },
  'Text with suggested replies that disappear once one is chosen.',
);

const Colour = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: '#RRGGBB' });

export const CarouselCard = Type.Object(
  {
    imageUrl: Type.Optional(HttpUrl('Card image.')),
    title: Type.Optional(NonEmpty(1000)),
    text: Type.Optional(NonEmpty(10_000)),
    actions: Type.Optional(Type.Array(Action, { minItems: 1, maxItems: 100 })),
    defaultAction: Type.Optional(Action),
    badge: Type.Optional(
      Type.Object({ text: NonEmpty(100), color: Type.Optional(Colour) }, { additionalProperties: false }),
    ),
    buttonColor: Type.Optional(Colour),
  },
  { additionalProperties: false },
);
export const CarouselMessage = kind(
  'carousel',
  {
    cards: Type.Array(CarouselCard, { minItems: 1, maxItems: 100 }),
    imageAspectRatio: Type.Optional(StringEnum(['rectangle', 'square'])),
  },
  'Horizontally scrolling cards.',
);

export const ListMessage = kind(
  'list',
  {
    text: NonEmpty(100_000),
    buttonText: NonEmpty(100, 'Label of the button that opens the list.'),
    header: Type.Optional(NonEmpty(1000)),
    footer: Type.Optional(NonEmpty(1000)),
    sections: Type.Array(
      Type.Object(
        {
          title: Type.Optional(NonEmpty(1000)),
          rows: Type.Array(
            Type.Object(
              { id: NonEmpty(1000), title: NonEmpty(1000), description: Type.Optional(NonEmpty(1000)) },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 100 },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  'A menu of rows grouped in sections.',
);

export const ImagemapMessage = kind(
  'imagemap',
  {
    baseUrl: HttpUrl('Base URL of the image set (the provider appends /{width}).'),
    altText: NonEmpty(10_000),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    areas: Type.Array(
      Type.Object(
        {
          x: Type.Integer({ minimum: 0 }),
          y: Type.Integer({ minimum: 0 }),
          width: Type.Integer({ minimum: 1 }),
          height: Type.Integer({ minimum: 1 }),
          action: tagged([UrlAction, MessageAction]),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  'An image with tappable areas.',
);

const templateMediaHeader = <T extends 'image' | 'video' | 'document'>(type: T) =>
  Type.Object(
    {
      type: Type.Literal(type),
      url: Type.Optional(HttpUrl('Header media URL. Give `url` or `mediaId`.')),
      mediaId: Type.Optional(NonEmpty(1000, 'Header media uploaded to the provider.')),
      fileName: Type.Optional(NonEmpty(255)),
    },
    { additionalProperties: false },
  );
const TemplateHeader = tagged(
  [
    Type.Object({ type: Type.Literal('text'), text: NonEmpty(1000) }, { additionalProperties: false }),
    templateMediaHeader('image'),
    templateMediaHeader('video'),
    templateMediaHeader('document'),
    Type.Object(
      {
        type: Type.Literal('location'),
        latitude: Type.Number({ minimum: -90, maximum: 90 }),
        longitude: Type.Number({ minimum: -180, maximum: 180 }),
        name: Type.Optional(NonEmpty(1000)),
        address: Type.Optional(NonEmpty(1000)),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "Parameters of the template's header." },
);

export const TemplateMessage = kind(
  'template',
  {
    name: NonEmpty(512, "The provider's pre-approved template name (WhatsApp)."),
    language: Type.Optional(NonEmpty(20, 'Template language code, e.g. `en_US`.')),
    parameters: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Named body parameters.' }),
    ),
    bodyParameters: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: 100,
        description: 'Positional body parameters, {{1}} first.',
      }),
    ),
    header: Type.Optional(TemplateHeader),
    buttons: Type.Optional(
      Type.Array(
        Type.Object(
          {
            index: Type.Integer({
              minimum: 0,
              maximum: 9,
              description: "The button's position in the template.",
            }),
            subType: StringEnum(['quick_reply', 'url', 'copy_code']),
            parameter: NonEmpty(2000, 'Payload (quick_reply), URL suffix (url) or code (copy_code).'),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
  },
  'A pre-approved provider template with header, body and button parameters.',
);

export const ReceiptMessage = kind(
  'receipt',
  {
    recipientName: NonEmpty(1000),
    orderNumber: NonEmpty(1000),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    paymentMethod: NonEmpty(1000),
    elements: Type.Array(
      Type.Object(
        {
          title: NonEmpty(1000),
          subtitle: Type.Optional(NonEmpty(1000)),
          quantity: Type.Optional(Type.Integer({ minimum: 0 })),
          price: Type.Number(),
          imageUrl: Type.Optional(HttpUrl('Item image.')),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    summary: Type.Object(
      {
        subtotal: Type.Optional(Type.Number()),
        shippingCost: Type.Optional(Type.Number()),
        totalTax: Type.Optional(Type.Number()),
        totalCost: Type.Number(),
      },
      { additionalProperties: false },
    ),
  },
  'An order receipt.',
);

export const SenderActionMessage = kind(
  'sender_action',
  { action: StringEnum(['typing_on', 'typing_off', 'mark_seen']) },
  'Typing indicator or read marker.',
);

export const RawMessage = kind(
  'raw',
  {
    payload: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          "Provider-native payload (a LINE message object, a Telegram method's parameters with a `method`), sent as is.",
      },
    ),
  },
  'Escape hatch for provider features the canonical model lacks.',
);

export const MESSAGE_KINDS = [
  'text',
  'media',
  'location',
  'sticker',
  'buttons',
  'quick_replies',
  'carousel',
  'list',
  'imagemap',
  'template',
  'receipt',
  'sender_action',
  'raw',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Every canonical kind's schema, in MESSAGE_KINDS order. */
const CANONICAL_BRANCHES = [
  TextMessage,
  MediaMessage,
  LocationMessage,
  StickerMessage,
  ButtonsMessage,
  QuickRepliesMessage,
  CarouselMessage,
  ListMessage,
  ImagemapMessage,
  TemplateMessage,
  ReceiptMessage,
  SenderActionMessage,
  RawMessage,
] as const;

export const CanonicalMessage = tagged([...CANONICAL_BRANCHES], {
  description: 'The canonical message; `type` selects the kind.',
});
export type CanonicalMessage = Static<typeof CanonicalMessage>;

/**
 * A stored template (/v1/templates) to send with its parameters. `type` may be left out: a
 * message with `template` and no `type` is taken as this.
 */
export const StoredTemplateRef = kind(
  'stored_template',
  {
    template: NonEmpty(200, 'The stored template name.'),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Default: the newest.' })),
    parameters: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 10_000 }))),
  },
  'A stored template, filled with parameters and rendered in its variant for the channel.',
);
export type StoredTemplateRef = Static<typeof StoredTemplateRef>;

/** What a send's `message` may be: a canonical message, or a stored template to fill. */
export const SendableMessage = tagged([...CANONICAL_BRANCHES, StoredTemplateRef], {
  description: 'The canonical message (`type` selects the kind), or a stored template with its parameters.',
});
export type SendableMessage = Static<typeof SendableMessage>;
export type MessageOf<K extends MessageKind> = Extract<CanonicalMessage, { type: K }>;
