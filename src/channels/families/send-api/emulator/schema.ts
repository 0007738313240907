/**
 * The Send API request body as JSON Schema (TypeBox), written from Meta's documentation
 * (providers.md §4/§5) since Meta publishes no machine-readable spec. Strict: unknown fields are
 * refused, so a typo fails in the sandbox rather than being ignored. The profile decides what
 * differs between Messenger and Instagram (button and template types, tags, text unit).
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { SEND_API_LIMITS as L, MESSAGING_TYPES, NOTIFICATION_TYPES } from '../limits.ts';
import type { ButtonType, EmulatorProfile, TemplateType } from './profile.ts';

const strict = { additionalProperties: false } as const;
const Str = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Url = Type.String({ minLength: 1, format: 'uri', pattern: '^https?://' });
const Enum = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: [...values] });
const tagged = (key: string, branches: TSchema[]) =>
  Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    required: [key],
    oneOf: branches,
    discriminator: { propertyName: key },
  });

const BUTTONS: Record<ButtonType, TSchema> = {
  postback: Type.Object(
    { type: Type.Literal('postback'), title: Str(L.buttonTitle), payload: Str(L.payload) },
    strict,
  ),
  web_url: Type.Object(
    {
      type: Type.Literal('web_url'),
      title: Str(L.buttonTitle),
      url: Url,
      webview_height_ratio: Type.Optional(Enum(['compact', 'tall', 'full'])),
      messenger_extensions: Type.Optional(Type.Boolean()),
      fallback_url: Type.Optional(Url),
      webview_share_button: Type.Optional(Type.Literal('hide')),
    },
    strict,
  ),
  phone_number: Type.Object(
    {
      type: Type.Literal('phone_number'),
      title: Str(L.buttonTitle),
      payload: Type.String({ pattern: '^\\+[0-9]{7,15}$' }),
    },
    strict,
  ),
};

export function sendApiSchema(profile: EmulatorProfile): TSchema {
  const f = profile.flavor;
  const Button = tagged(
    'type',
    profile.buttonTypes.map((t) => BUTTONS[t]),
  );
  const Buttons = Type.Array(Button, { minItems: 1, maxItems: L.buttons });
  const DefaultAction = Type.Object(
    {
      type: Type.Literal('web_url'),
      url: Url,
      webview_height_ratio: Type.Optional(Enum(['compact', 'tall', 'full'])),
      messenger_extensions: Type.Optional(Type.Boolean()),
      fallback_url: Type.Optional(Url),
    },
    strict,
  );
  const Element = Type.Object(
    {
      title: Str(L.elementTitle),
      subtitle: Type.Optional(Str(L.elementSubtitle)),
      image_url: Type.Optional(Url),
      default_action: Type.Optional(DefaultAction),
      buttons: Type.Optional(Buttons),
    },
    {
      ...strict,
      // "At least one property besides title must be set."
      anyOf: ['subtitle', 'image_url', 'default_action', 'buttons'].map((k) => ({ required: [k] })),
    },
  );
  const TEMPLATES: Record<TemplateType, TSchema> = {
    button: Type.Object(
      { template_type: Type.Literal('button'), text: Str(L.buttonTemplateText), buttons: Buttons },
      strict,
    ),
    generic: Type.Object(
      {
        template_type: Type.Literal('generic'),
        ...(f.imageAspectRatio
          ? {
              image_aspect_ratio: Type.Optional(Enum(['horizontal', 'square'])),
              sharable: Type.Optional(Type.Boolean()),
            }
          : {}),
        elements: Type.Array(Element, { minItems: 1, maxItems: L.genericElements }),
      },
      strict,
    ),
    receipt: Type.Object(
      {
        template_type: Type.Literal('receipt'),
        sharable: Type.Optional(Type.Boolean()),
        recipient_name: Str(1000),
        merchant_name: Type.Optional(Str(1000)),
        order_number: Str(1000),
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
        payment_method: Str(1000),
        timestamp: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
        order_url: Type.Optional(Url),
        address: Type.Optional(
          Type.Object(
            {
              street_1: Str(1000),
              street_2: Type.Optional(Type.String()),
              city: Str(1000),
              postal_code: Str(1000),
              state: Str(1000),
              country: Str(1000),
            },
            strict,
          ),
        ),
        summary: Type.Object(
          {
            subtotal: Type.Optional(Type.Number()),
            shipping_cost: Type.Optional(Type.Number()),
            total_tax: Type.Optional(Type.Number()),
            total_cost: Type.Number(),
          },
          strict,
        ),
        adjustments: Type.Optional(
          Type.Array(Type.Object({ name: Str(1000), amount: Type.Number() }, strict)),
        ),
        elements: Type.Optional(
          Type.Array(
            Type.Object(
              {
                title: Str(1000),
                subtitle: Type.Optional(Str(1000)),
                quantity: Type.Optional(Type.Integer({ minimum: 0 })),
                price: Type.Number(),
                currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
                image_url: Type.Optional(Url),
              },
              strict,
            ),
            { maxItems: L.receiptElements },
          ),
        ),
      },
      strict,
    ),
  };
  const MediaPayload = Type.Union([
    Type.Object(
      { url: Url, ...(f.reusableAttachments ? { is_reusable: Type.Optional(Type.Boolean()) } : {}) },
      strict,
    ),
    Type.Object({ attachment_id: Type.String({ pattern: '^[0-9]+$' }) }, strict),
  ]);
  const media = (type: string) => Type.Object({ type: Type.Literal(type), payload: MediaPayload }, strict);
  const Attachment = tagged('type', [
    media('image'),
    media('video'),
    media('audio'),
    media('file'),
    Type.Object(
      {
        type: Type.Literal('template'),
        payload: tagged(
          'template_type',
          profile.templateTypes.map((t) => TEMPLATES[t]),
        ),
      },
      strict,
    ),
  ]);
  const QuickReply = tagged('content_type', [
    Type.Object(
      {
        content_type: Type.Literal('text'),
        title: Str(L.quickReplyTitle),
        payload: Str(L.payload),
        image_url: Type.Optional(Url),
      },
      strict,
    ),
    Type.Object({ content_type: Type.Literal('user_phone_number') }, strict),
    Type.Object({ content_type: Type.Literal('user_email') }, strict),
  ]);
  const text =
    f.text.unit === 'bytes'
      ? Type.Unsafe<string>({ type: 'string', minLength: 1, maxBytes: f.text.max })
      : Type.String({ minLength: 1, maxLength: f.text.max });
  const Message = Type.Object(
    {
      text: Type.Optional(text),
      attachment: Type.Optional(Attachment),
      quick_replies: Type.Optional(Type.Array(QuickReply, { minItems: 1, maxItems: L.quickReplies })),
      metadata: Type.Optional(Str(L.payload)),
    },
    strict,
  );
  return Type.Object(
    {
      recipient: Type.Object({ id: Type.String({ minLength: 1 }) }, strict),
      messaging_type: Type.Optional(Enum(MESSAGING_TYPES)),
      tag: Type.Optional(Enum(profile.tags)),
      ...(f.notificationType ? { notification_type: Type.Optional(Enum(NOTIFICATION_TYPES)) } : {}),
      message: Type.Optional(Message),
      sender_action: Type.Optional(Enum(profile.senderActions)),
      persona_id: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
    },
    strict,
  );
}
