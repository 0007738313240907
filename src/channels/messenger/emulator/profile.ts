/**
 * What a Send API emulator needs to know about its provider. Messenger's is here; Instagram's
 * (../../instagram/emulator/profile.ts) states each of Instagram's differences against it.
 */
import { randomBytes } from 'node:crypto';
import type { MediaFacts } from '../../../lib/media-probe.ts';
import { MESSENGER_FLAVOR, type SendApiFlavor } from '../flavor.ts';
import { MESSENGER_TAGS } from '../limits.ts';
import { MESSENGER_SANDBOX_CREDENTIALS, SANDBOX_PAGE_ID } from '../options.ts';

export type ButtonType = 'postback' | 'web_url' | 'phone_number';
export type TemplateType = 'button' | 'generic' | 'receipt';

export interface EmulatorProfile {
  flavor: SendApiFlavor;
  /** `object` of the webhooks (`page`, `instagram`). */
  object: string;
  /** The account the webhooks are for (`entry[].id`, `recipient.id`). */
  accountId: string;
  /** Credentials key of the access token, and the sandbox's. */
  tokenKey: string;
  defaultCredentials: Record<string, string>;
  buttonTypes: readonly ButtonType[];
  templateTypes: readonly TemplateType[];
  tags: readonly string[];
  senderActions: readonly string[];
  /**
   * Receipts the provider sends after a message: Messenger a `delivery` {mids, watermark} then a
   * `read` {watermark}; Instagram only `read` {mid} (messaging_seen).
   */
  receipts: 'delivery_and_read_watermarks' | 'seen_by_mid';
  messageId(): string;
  /**
   * Why the provider refuses an attachment it fetched by URL (its type, its size); `facts` is
   * undefined when the sandbox could not fetch it. Omitted: every fetched attachment is taken.
   */
  attachmentProblem?(
    type: string,
    url: string,
    facts: MediaFacts | undefined,
  ): { detail: string } | undefined;
}

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
