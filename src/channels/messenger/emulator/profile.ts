/** Messenger's profile of the shared Send API emulator (../../families/send-api/emulator). */
import { randomBytes } from 'node:crypto';
import type { EmulatorProfile } from '../../families/send-api/emulator/profile.ts';
import { MESSENGER_TAGS } from '../limits.ts';
import { MESSENGER_SANDBOX_CREDENTIALS, SANDBOX_PAGE_ID } from '../options.ts';
import { MESSENGER_FLAVOR } from '../provider/flavor.ts';

export const MESSENGER_EMULATOR: EmulatorProfile = {
  flavor: MESSENGER_FLAVOR,
  object: 'page',
  accountId: SANDBOX_PAGE_ID,
  tokenKey: 'pageAccessToken',
  defaultCredentials: MESSENGER_SANDBOX_CREDENTIALS,
  buttonTypes: ['postback', 'web_url', 'phone_number'],
  templateTypes: ['button', 'generic', 'receipt'],
  tags: MESSENGER_TAGS,
  senderActions: ['typing_on', 'typing_off', 'mark_seen'],
  receipts: 'delivery_and_read_watermarks',
  // Messenger mids look like `m_` and 80-odd base64url characters.
  messageId: () => `m_${randomBytes(60).toString('base64url')}`,
};
