/**
 * What a Send API emulator needs to know about its provider: Messenger's is in
 * ../../../messenger/emulator/profile.ts, Instagram's in ../../../instagram/emulator/profile.ts.
 */
import type { MediaFacts } from '../../../../lib/media-probe.ts';
import type { SendApiFlavor } from '../flavor.ts';

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
