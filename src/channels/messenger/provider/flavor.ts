/**
 * Messenger's flavour of the Send API (../../families/send-api/flavor.ts): the renderers, checks
 * and the shared emulator read it. Instagram's (../../instagram/provider/flavor.ts) differs from it.
 */
import type { SendApiFlavor } from '../../families/send-api/flavor.ts';
import { MESSENGER_LIMITS } from '../limits.ts';

export const MESSENGER_FLAVOR: SendApiFlavor = {
  name: 'messenger',
  displayName: 'Messenger',
  text: { max: MESSENGER_LIMITS.text, unit: 'characters' },
  callButton: true,
  imageAspectRatio: true,
  reusableAttachments: true,
  alwaysMessagingType: true,
  receiptTemplate: true,
  notificationType: true,
};
