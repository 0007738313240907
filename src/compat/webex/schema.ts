/**
 * Webex Connect Messaging API v1 (`POST /resources/v1/messaging`) as TypeBox schemas: what the
 * façade validates and what /openapi.json publishes under the `webex` tag. The envelope is checked
 * here (types, mandatory fields, the documented identifier kinds and enums); the content rules
 * that need several fields at once (text XOR attachment, a tag with MESSAGE_TAG, …) are checked
 * in the translators, and the channel's own limits by the native send, each answered in Webex's
 * codes. Fields the document lists for channels Omnigate does not have yet (sms, voice, push,
 * in-app, Apple) are taken as open objects: those requests are answered 7007 whatever they hold.
 *
 * Objects are closed here as the vendor's documents describe them; the route validates with
 * `lenient` (shared/ignored-fields.ts): a field not described is ignored and recorded, as Webex
 * Connect ignores it (its own sample sends `gtrId` and `icmessage`), never refused.
 */
import { type Static, Type } from '@sinclair/typebox';
import { MESSENGER_TAGS } from '../../channels/messenger/public.ts';
import { StringEnum } from '../../core/index.ts';

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const Text = (description: string) => Type.String({ description });

/** The identifier kinds the document lists for a destination entry, each an array of values. */
export const IDENTIFIER_KINDS = [
  'customerid',
  'msisdn',
  'email',
  'userid',
  'psid',
  'waid',
  'pushid',
  'android_pushid',
  'ios_pushid',
  'chrome_pushid',
  'safari_pushid',
  'firefox_pushid',
  'hms_pushid',
  'abcUserId',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

const Values = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));

export const WebexDestination = Type.Object(
  {
    ...(Object.fromEntries(
      IDENTIFIER_KINDS.map((k) => [k, Values(`Recipients identified by ${k}.`)]),
    ) as unknown as Record<IdentifierKind, ReturnType<typeof Values>>),
    correlationid: Type.Optional(
      Text('Up to 50 bytes; overrides the request correlationid for these recipients.'),
    ),
  },
  { additionalProperties: false },
);
export type WebexDestination = Partial<Record<IdentifierKind, string[]>> & { correlationid?: string };

const FbQuickReply = Type.Object(
  {
    content_type: StringEnum(['text', 'location']),
    title: Type.Optional(Text('Up to 20 characters; required with content_type text.')),
    payload: Type.Optional(Text('Up to 1000 characters; required with content_type text.')),
    image_url: Type.Optional(Text('Image shown on the quick reply.')),
  },
  { additionalProperties: false },
);

export const FbMessage = Type.Object(
  {
    text: Type.Optional(Text('The message text. One of text, attachment or sender_action.')),
    attachment: Type.Optional(
      Type.Object(
        {
          type: StringEnum(['image', 'audio', 'video', 'file', 'template']),
          payload: Open(
            'Media: `url` (or `attachment_id`). Template: `template_type` generic, button, receipt, or the ' +
              'deprecated airline_itinerary, airline_checkin, airline_boardingpass, airline_update.',
          ),
        },
        { additionalProperties: false },
      ),
    ),
    quick_replies: Type.Optional(Type.Array(FbQuickReply)),
    sender_action: Type.Optional(StringEnum(['markseen', 'mark_seen', 'typing_on', 'typing_off'])),
    notification_type: Type.Optional(StringEnum(['REGULAR', 'SILENT_PUSH', 'NO_PUSH'])),
    messaging_type: Type.Optional(StringEnum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG'])),
    tag: Type.Optional(StringEnum([...MESSENGER_TAGS], 'With messaging_type MESSAGE_TAG only.')),
    type: Type.Optional(Text('`conversation` in the document’s examples; not used.')),
    metadata: Type.Optional(Text('Passed to Messenger as message.metadata.')),
  },
  { additionalProperties: false },
);
export type FbMessage = Static<typeof FbMessage>;

export const WA_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'template',
  'interactive',
] as const;

export const WaMessage = Type.Object(
  {
    type: StringEnum([...WA_TYPES]),
    preview_url: Type.Optional(Type.Union([Type.Boolean(), StringEnum(['true', 'false'])])),
    text: Type.Optional(Type.Object({ body: Type.String() }, { additionalProperties: false })),
    image: Type.Optional(Open('`link` or `id`, `caption`.')),
    video: Type.Optional(Open('`link` or `id`, `caption`.')),
    audio: Type.Optional(Open('`link` or `id`.')),
    document: Type.Optional(Open('`link` or `id`, `caption`, `filename`.')),
    sticker: Type.Optional(Open('`link` or `id`.')),
    location: Type.Optional(Open('`latitude`, `longitude`, `name`, `address`.')),
    template: Type.Optional(Open('`name`, `language` {code}, `components`; `namespace` is not used.')),
    interactive: Type.Optional(Open('`type` button or list, `header`, `body`, `footer`, `action`.')),
    identity_key_hash: Type.Optional(Text('Not used.')),
  },
  { additionalProperties: false },
);
export type WaMessage = Static<typeof WaMessage>;

const Smartlink = Type.Object(
  {
    linkid: Type.Union([Type.Integer(), Type.String({ minLength: 1 })], {
      description:
        'The link: an Omnigate link id (POST /v1/links) or the `name` a stored link was given; `{{link_<linkid>}}` in the text.',
    }),
    validity: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]*$' })], {
        description: 'Minutes the short URL stays valid.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const WebexChannels = Type.Object({
  smartlinks: Type.Optional(Type.Array(Smartlink)),
  'OTT-Messaging': Type.Optional(Type.Object({ fb: Type.Optional(FbMessage), wa: Type.Optional(WaMessage) })),
  sms: Type.Optional(Open('SMS: not available in Omnigate yet (7007).')),
  voice: Type.Optional(Open('Voice: not available in Omnigate yet (7007).')),
  push: Type.Optional(Open('Push: not available in Omnigate yet (7007).')),
  appmessaging: Type.Optional(Open('In-app messaging: not available in Omnigate yet (7007).')),
  AppleBusinessChat: Type.Optional(
    Open('Apple Messages for Business: not available in Omnigate yet (7007).'),
  ),
});

export const WebexRequest = Type.Object(
  {
    deliverychannel: Text(
      'fb or whatsapp; sms, voice, push, rt, appmessaging, AppleBusinessChat answer 7007.',
    ),
    destination: Type.Array(WebexDestination, {
      description: 'Up to 1000 recipients in all (7009 beyond).',
    }),
    channels: Type.Optional(WebexChannels),
    appid: Type.Optional(
      Text(
        'The app to send from: the `appId` of a channel account of the deliverychannel (POST/PATCH /v1/channel-accounts). Required for fb and whatsapp (7003).',
      ),
    ),
    correlationid: Type.Optional(Text('Up to 50 bytes; comes back in the answer and every notification.')),
    notifyurl: Type.Optional(Text('Where delivery notifications go, in Webex Connect’s own shape.')),
    callbackData: Type.Optional(Text('Sent back in every notification.')),
    expiry: Type.Optional(Text('An instant (2015-04-12T13:00:19.456Z, 2015-04-12T18:30:19.456+5:30).')),
    message: Type.Optional(
      Type.Object(
        {
          template: Type.String({ minLength: 1, description: 'A stored template (POST /v1/templates).' }),
          parameters: Type.Optional(
            Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    contactPolicy: Type.Optional(
      Type.Object(
        {
          contactPolicyGroup: Type.Optional(
            Text('The frequency-cap group (PUT /v1/frequency-caps/{group}).'),
          ),
          channelCheckConsent: Type.Optional(Type.Boolean()),
          channelApplyFrequencyCap: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    description:
      'Fields not described here (priority, route, gtrId, icmessage, notifyurlAuthId, …) are ignored and recorded on each message as `compat_field_ignored` degradations.',
  },
);
export type WebexRequest = Omit<Static<typeof WebexRequest>, 'destination'> & {
  destination: WebexDestination[];
};

const ResponseEntry = Type.Object({
  code: Type.String({ description: '1001, or the code of a destination that was not queued.' }),
  description: Type.String(),
  transid: Type.Optional(Type.String({ description: 'The Omnigate message id; notifications carry it.' })),
  correlationid: Type.Optional(Type.String()),
});

export const WebexAnswer = Type.Object(
  {
    response: Type.Union([
      Type.Array(ResponseEntry, { description: 'One entry per recipient, in request order.' }),
      Type.Object(
        { code: Type.String(), description: Type.String() },
        { description: 'The request failed.' },
      ),
    ]),
  },
  { description: 'Answered with HTTP 200 (7006: 500), as Webex Connect does; the code tells.' },
);
