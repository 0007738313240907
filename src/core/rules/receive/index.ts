/**
 * The steps of receiving a provider webhook, in their declared order. receive.ts runs READ, dates
 * the events, then runs RECORD.
 *
 * Why this order:
 * - Nothing reads the body before its signature is checked (verify-signature), and nothing is
 *   decoded before the request is known to be fresh (freshness): a forged or replayed request
 *   costs one HMAC and, for WeChat, one nonce claim, and is refused with a 401 whatever it holds.
 * - Decoding and its bounds come before the channel parses, so a parser never sees what cannot be
 *   stored; numbered choices read the parsed messages.
 * - READ is where a webhook is refused; RECORD only writes. Contacts are resolved first because
 *   every record after them carries the contact; the conversation (session window) and the events
 *   are written together, so their writes share one group commit; consent keywords come after the
 *   events are stored because a choice is dated when its message was first stored; receipts come
 *   last because one may wait up to two seconds for its message, and nothing else waits behind it.
 */

import { applyConsentKeywords } from './consent-keywords.ts';
import type { Reading, ReceiveStage, Recording } from './context.ts';
import { decodeBody } from './decode-body.ts';
import { refuseReplay } from './freshness.ts';
import { answerNumberedChoices } from './numbered-choices.ts';
import { parseEvents } from './parse-events.ts';
import { applyReceipts } from './receipts.ts';
import { resolveContacts } from './resolve-contacts.ts';
import { recordLastInbound } from './session-window.ts';
import { storeEvents } from './store-events.ts';
import { verifySignature } from './verify-signature.ts';

export { DEFAULT_KEYWORDS } from './consent-keywords.ts';
export type { ConsentKeywords, Reading, ReceiveStage, ReceiveStore, Recording } from './context.ts';
export { RECEIPT_RACE_MS } from './receipts.ts';

/** Is the webhook the provider's, and what does it say: any step may refuse it. */
export const READ: readonly ReceiveStage<Reading>[] = [
  verifySignature,
  refuseReplay,
  decodeBody,
  parseEvents,
  answerNumberedChoices,
];

/** What the webhook said, recorded: the contacts, then conversations and events in one commit. */
export const RECORD: readonly ReceiveStage<Recording>[] = [
  resolveContacts,
  [recordLastInbound, storeEvents],
  applyConsentKeywords,
  applyReceipts,
];
