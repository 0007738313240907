/**
 * Messenger and Instagram share the Send API's shape; what differs is written down here once, as a
 * flavour the shared renderers and checks read, so every difference is explicit and named.
 */

export interface SendApiFlavor {
  /** Connector name; prefixes degradation rules and outcome codes (`messenger_no_location`). */
  name: string;
  displayName: string;
  /** `message.text` limit and how it is counted. */
  text: { max: number; unit: 'characters' | 'bytes' };
  /** Messenger has `phone_number` buttons; Instagram only `web_url` and `postback`. */
  callButton: boolean;
  /** Generic template `image_aspect_ratio` (Messenger only). */
  imageAspectRatio: boolean;
  /** Attachment `payload.is_reusable` (Messenger's saved assets). */
  reusableAttachments: boolean;
  /** `messaging_type` sent on every message (Messenger requires it; Instagram takes it only with a tag). */
  alwaysMessagingType: boolean;
  /** The receipt template (Messenger); without it a receipt is sent as text. */
  receiptTemplate: boolean;
  /** `notification_type` (Messenger only). */
  notificationType: boolean;
}
