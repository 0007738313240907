/**
 * Instagram's profile of the shared Send API emulator (../../families/send-api/emulator), which
 * Messenger's (../../messenger/emulator/profile.ts) also fills: every field is Instagram's own.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorProfile } from '../../families/send-api/emulator/profile.ts';
import { INSTAGRAM_TAGS } from '../limits.ts';
import { INSTAGRAM_SANDBOX_CREDENTIALS, SANDBOX_IG_ID } from '../options.ts';
import { INSTAGRAM_FLAVOR } from '../provider/flavor.ts';
import { instagramAttachmentProblem } from '../provider/linked-media.ts';

export const INSTAGRAM_EMULATOR: EmulatorProfile = {
  flavor: INSTAGRAM_FLAVOR,
  object: 'instagram',
  accountId: SANDBOX_IG_ID,
  tokenKey: 'accessToken',
  defaultCredentials: INSTAGRAM_SANDBOX_CREDENTIALS,
  buttonTypes: ['postback', 'web_url'],
  templateTypes: ['button', 'generic'],
  tags: INSTAGRAM_TAGS,
  // The same sender actions as Messenger's.
  senderActions: ['typing_on', 'typing_off', 'mark_seen'],
  // No delivery receipts: only "seen" (messaging_seen), naming the message.
  receipts: 'seen_by_mid',
  // Instagram mids are base64 of an `ig_message_item` key, without Messenger's `m_`.
  // Attachments of a type or size Instagram does not take (../linked-media.ts, as the gateway checks).
  attachmentProblem: instagramAttachmentProblem,
  messageId: () =>
    Buffer.from(
      `ig_message_item:1:IGMessageThread:${SANDBOX_IG_ID}:${randomBytes(24).toString('hex')}`,
    ).toString('base64url'),
};
