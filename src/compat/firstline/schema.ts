/**
 * FIRST LINE's push request (`POST /api/v1/message/push`) and its answers, as TypeBox schemas:
 * Fastify validates the request with them and the OpenAPI document publishes them under the
 * "FIRST LINE" tag.
 *
 * FIRST LINE is a Laravel application (its `App\…Contact` class names say so), so the request is
 * read as Laravel reads one: fields it does not know are ignored, documented fields may be `null`
 * where the documents show `null`, and `is_force` takes any of Laravel's boolean spellings. The
 * limits are those of the canonical message each field becomes, so what passes here is a valid
 * canonical message; channel limits are the connectors' (or, for LINE Flex, line-flex.ts).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { StringEnum } from '../../core/index.ts';

/** The patterns the error answers explain in words (errors.ts), so they are named once here. */
export const PATTERNS = {
  url: '^https?://',
  hexColour: '^#[0-9A-Fa-f]{6}$',
  phone: '^\\+[1-9][0-9]{6,14}$',
  noSpace: '^\\S+$',
} as const;

export const CONTACTABLE_TYPES = [
  'App\\LivechatContact',
  'App\\LineContact',
  'App\\FbContact',
  'App\\IgContact',
  'App\\TelegramContact',
  'App\\ViberContact',
  'App\\WechatContact',
] as const;
export type ContactableType = (typeof CONTACTABLE_TYPES)[number];

export const MESSAGE_TYPES = ['text', 'button', 'quickreply', 'carousel', 'image_carousel'] as const;

/** A string that may also be given as `null` (the documents' examples send `null` for unset fields). */
function nullable<T extends TSchema>(schema: T) {
  const values = schema['enum'] as unknown[] | undefined;
  return Type.Unsafe<Static<T> | null>({
    ...schema,
    type: [schema['type'] as string, 'null'],
    ...(values ? { enum: [...values, null] } : {}),
  });
}

const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Url = (description: string) =>
  Type.String({ format: 'uri', pattern: PATTERNS.url, maxLength: 2000, description });
const Colour = (description: string) => Type.String({ pattern: PATTERNS.hexColour, description });
const Phone = Type.String({
  pattern: PATTERNS.phone,
  description: 'Phone number in international form, e.g. +886912345678.',
});

/** `type` must be given for the branch to apply; a missing `type` is its own required error. */
const when = (field: string, value: string, then: Record<string, unknown>) => ({
  if: { properties: { [field]: { const: value } }, required: [field] },
  then,
});
/** Required and not null: Laravel's `required` treats null as missing, and so do the errors. */
const present = (...fields: string[]) => ({
  required: fields,
  properties: Object.fromEntries(fields.map((f) => [f, { type: 'string' }])),
});

// ----- button and quick reply options ---------------------------------------------------------

const OPTION_TYPES = StringEnum(['text', 'phonenumber', 'url'], 'What tapping the option does.');

export const Option = Type.Object(
  {
    label: Text(256, 'The text of the button or option.'),
    value: Type.Optional(
      nullable(
        Type.String({
          maxLength: 1000,
          description: 'type text: the message sent as the person when tapped (the label when empty).',
        }),
      ),
    ),
    type: OPTION_TYPES,
    number: Type.Optional(nullable(Phone)),
    url: Type.Optional(nullable(Url('type url: the page opened.'))),
  },
  {
    allOf: [when('type', 'url', present('url')), when('type', 'phonenumber', present('number'))],
  },
);
export type Option = Static<typeof Option>;

const OptionsBody = (description: string) =>
  Type.Object({
    explain_text: Text(100_000, description),
    options: Type.Array(Option, { minItems: 1, maxItems: 100 }),
  });

export const ButtonBody = OptionsBody('Body text above the buttons.');
export const QuickReplyBody = OptionsBody('Body text the quick replies are offered with.');
export type OptionsBody = Static<typeof ButtonBody>;

// ----- carousel --------------------------------------------------------------------------------

export const CarouselAction = Type.Object(
  {
    text: Type.Optional(nullable(Text(256, 'The text of the button (when there is no label).'))),
    label: Type.Optional(nullable(Text(256, 'The label of the button; shown instead of text when given.'))),
    value: Type.Optional(
      nullable(Type.String({ maxLength: 1000, description: 'type text: the message sent when tapped.' })),
    ),
    url: Type.Optional(nullable(Url('type url: the page opened.'))),
    number: Type.Optional(nullable(Phone)),
    type: OPTION_TYPES,
  },
  {
    allOf: [
      when('type', 'url', present('url')),
      when('type', 'phonenumber', present('number')),
      // A button needs words on it: the label, or else the text.
      { if: present('label'), else: present('text') },
    ],
  },
);
export type CarouselAction = Static<typeof CarouselAction>;

export const CarouselColumn = Type.Object({
  image_url: Type.Optional(nullable(Url('The image of the column.'))),
  title: Type.Optional(nullable(Text(1000, 'Title.'))),
  text: Type.Optional(nullable(Text(10_000, 'Text description.'))),
  actions: Type.Optional(Type.Array(CarouselAction, { maxItems: 100 })),
});
export type CarouselColumn = Static<typeof CarouselColumn>;

const AltText = Type.Optional(
  nullable(Text(10_000, 'Shown where the carousel cannot be (LINE notifications and old clients).')),
);

export const CarouselBody = Type.Object({
  alt_text: AltText,
  columns: Type.Array(CarouselColumn, { minItems: 1, maxItems: 100 }),
});
export type CarouselBody = Static<typeof CarouselBody>;

// ----- image carousel --------------------------------------------------------------------------

const Colours = {
  background_color: Type.Optional(nullable(Colour('Background colour, #RRGGBB.'))),
  border_color: Type.Optional(nullable(Colour('Border colour, #RRGGBB.'))),
  color: Type.Optional(nullable(Colour('Text colour, #RRGGBB.'))),
};

export const ImageAction = Type.Object(
  {
    type: Type.Optional(nullable(OPTION_TYPES)),
    url: Type.Optional(nullable(Url('type url: the page opened.'))),
    value: Type.Optional(
      nullable(
        Type.String({
          maxLength: 1000,
          description: 'type text: the message sent when tapped (the button text when empty).',
        }),
      ),
    ),
    number: Type.Optional(nullable(Phone)),
  },
  {
    allOf: [when('type', 'url', present('url')), when('type', 'phonenumber', present('number'))],
  },
);
export type ImageAction = Static<typeof ImageAction>;

export const ImageColumn = Type.Object({
  image_url: Url('The image of the column.'),
  action: Type.Optional(nullable(ImageAction)),
  button: Type.Object({ text: Text(1000, 'Text of the button.'), ...Colours }),
  badge: Type.Optional(nullable(Type.Object({ text: Text(100, 'Badge text.'), ...Colours }))),
});
export type ImageColumn = Static<typeof ImageColumn>;

export const ImageCarouselBody = Type.Object({
  alt_text: AltText,
  columns: Type.Array(ImageColumn, { minItems: 1, maxItems: 100 }),
});
export type ImageCarouselBody = Static<typeof ImageCarouselBody>;

// ----- the request -----------------------------------------------------------------------------

const messageOf = (type: (typeof MESSAGE_TYPES)[number], schema: TSchema) =>
  when('type', type, { properties: { message: schema } });

export const PushRequest = Type.Object(
  {
    contactable_type: StringEnum([...CONTACTABLE_TYPES], 'The channel of the contact.'),
    contactable_id: Type.Unsafe<string | number>({
      type: ['string', 'integer'],
      minLength: 1,
      maxLength: 256,
      pattern: PATTERNS.noSpace,
      minimum: 0,
      description:
        "The contact: an id registered as the contact's `firstline` identity, the contact's id on the channel, or the channel address itself.",
    }),
    type: StringEnum([...MESSAGE_TYPES], 'The message type; `message` follows its format.'),
    message: Type.Unknown({
      description: 'A string for `text`; an object in the format of `type` otherwise.',
    }),
    is_force: Type.Optional(
      Type.Unsafe<0 | 1 | '0' | '1' | boolean | null>({
        enum: [0, 1, '0', '1', true, false, null],
        description: '1: send even into a conversation an agent is handling.',
      }),
    ),
  },
  {
    allOf: [
      messageOf('text', Text(100_000, 'The text to send.')),
      messageOf('button', ButtonBody),
      messageOf('quickreply', QuickReplyBody),
      messageOf('carousel', CarouselBody),
      messageOf('image_carousel', ImageCarouselBody),
    ],
  },
);
export type PushRequest = Omit<Static<typeof PushRequest>, 'message'> &
  (
    | { type: 'text'; message: string }
    | { type: 'button' | 'quickreply'; message: OptionsBody }
    | { type: 'carousel'; message: CarouselBody }
    | { type: 'image_carousel'; message: ImageCarouselBody }
  );

export const Accepted = Type.Object({}, { description: 'Sent: FIRST LINE answers an empty object.' });

export const Refused = Type.Object(
  {
    message: Type.String({ description: 'The first error, and how many more there are.' }),
    errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: "Per field of the request (dotted path, Laravel's style), what is wrong with it.",
      }),
    ),
  },
  { description: "Laravel's error shape: 422 for what is refused, 401 `Unauthenticated.`" },
);
export type Refused = Static<typeof Refused>;
