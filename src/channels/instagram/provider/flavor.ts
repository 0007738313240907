/**
 * Instagram Messaging speaks Messenger's Send API (../../messenger); these are the differences, each
 * from providers.md §5, applied by the shared renderers, checks and emulator.
 */
import type { SendApiFlavor } from '../../families/send-api/flavor.ts';
import { INSTAGRAM_LIMITS } from '../limits.ts';

export const INSTAGRAM_FLAVOR: SendApiFlavor = {
  name: 'instagram',
  displayName: 'Instagram',
  // Text is counted in UTF-8 bytes, 1000 of them, not Messenger's 2000 characters.
  text: { max: INSTAGRAM_LIMITS.textBytes, unit: 'bytes' },
  // Template buttons are `web_url` and `postback` only: a call button becomes a text line.
  callButton: false,
  // The generic template has no `image_aspect_ratio` (or `sharable`).
  imageAspectRatio: false,
  // Attachments by URL have no `is_reusable` (upload with the attachment API for an id).
  reusableAttachments: false,
  // `messaging_type` is sent only with the HUMAN_AGENT tag.
  alwaysMessagingType: false,
  // No receipt template: a receipt is sent as formatted text.
  receiptTemplate: false,
  // No `notification_type`.
  notificationType: false,
};
