/**
 * The send rules and the one order they run in. `sendMessage` runs `SEND_RULES` on a request
 * whose template is filled and whose contact is addressed; `previewMessage` runs the request rules
 * a send starts with, and the linked-media probe.
 */
import { validationError } from '../../vocabulary/errors.ts';
import { type CallbackDestinationPort, callbackDestination } from './callback-destination.ts';
import { canonicalMessage } from './canonical-message.ts';
import { capability } from './capability.ts';
import { channelLimits } from './channel-limits.ts';
import { type ConsentPort, consent } from './consent.ts';
import { conversationOwnership, type OwnershipPort } from './conversation-ownership.ts';
import { type DefaultExpiryPort, defaultExpiry } from './default-expiry.ts';
import { expiry } from './expiry.ts';
import { type FrequencyCapPort, frequencyCap, policyRejected } from './frequency-cap.ts';
import { type LinkedMediaPort, linkedMedia } from './linked-media.ts';
import { type QuietHoursPort, quietHours } from './quiet-hours.ts';
import { recipientAddress } from './recipient-address.ts';
import { type RecipientContactsPort, recipientContacts } from './recipient-contacts.ts';
import { type ReplyWindowPort, replyWindow } from './reply-window.ts';
import { gate, type RequestUnderCheck, type SendRule, type SendUnderCheck } from './rule.ts';
import { type SessionWindowPort, sessionWindow } from './session-window.ts';

/** Everything the send rules read through: the store's reads, the media probe, the settings. */
export type SendPorts = CallbackDestinationPort &
  LinkedMediaPort &
  SessionWindowPort &
  OwnershipPort &
  RecipientContactsPort &
  ConsentPort &
  FrequencyCapPort &
  QuietHoursPort &
  ReplyWindowPort &
  DefaultExpiryPort;

/** The request's own problems, all of them in one 400. */
const requestGate = gate('request-gate', (issues) => validationError(issues));

/** The contact policy's refusals (consent, caps, quiet hours), every recipient's in one. */
const contactPolicyGate = gate('contact-policy-gate', policyRejected);

/**
 * What the request itself is, judged with no read at all; a preview runs these too. A kind the
 * channel cannot carry makes everything else moot, so it goes first and alone (422). The
 * request's own faults (message, recipients, expiry, callback address) are flagged together so a
 * caller fixes them in one go; the channel's limits sit among them because they read fields
 * those faults leave missing, and skip when anything is flagged before them, while a refused
 * callback address, which the limits never read, still waits behind their 422.
 */
export const REQUEST_RULES: readonly SendRule<RequestUnderCheck, CallbackDestinationPort>[] = [
  capability,
  canonicalMessage,
  recipientAddress,
  expiry,
  channelLimits,
  callbackDestination,
  requestGate,
];

/**
 * The declared order of a send. After the request rules:
 * - linked media is probed only once the request's shape has passed, so a malformed request
 *   costs no probe; its refusal is the channel's (422), like the limits.
 * - the session window, then ownership, are the channel's and the conversation's, before the
 *   contact policy's reads of each contact. Ownership only reads when the send is forced (to
 *   record where it went); otherwise the accept refuses an owned conversation, so that refusal
 *   comes after every rule here, a contact policy refusal included.
 * - the contact policy reads who each recipient is, then consent, caps and quiet hours, whose
 *   refusals are gathered per recipient (in that order) into one answer.
 * - the reply window needs to know how long quiet hours hold the message, so it follows them.
 * - the default expiry comes last, so a message's time to live counts from as close to its
 *   accept as the rules allow.
 * The idempotency replay is no rule: a repeated request is answered before any of this runs.
 */
export const SEND_RULES: readonly SendRule<SendUnderCheck, SendPorts>[] = [
  ...REQUEST_RULES,
  linkedMedia,
  sessionWindow,
  conversationOwnership,
  recipientContacts,
  consent,
  frequencyCap,
  quietHours,
  contactPolicyGate,
  replyWindow,
  defaultExpiry,
];

const REQUEST_RULES_WITHOUT_RECIPIENTS = REQUEST_RULES.filter((rule) => rule !== recipientAddress);

/** The request rules of a preview: recipients only when it names some. */
export function previewRules(
  withRecipients: boolean,
): readonly SendRule<RequestUnderCheck, CallbackDestinationPort>[] {
  return withRecipients ? REQUEST_RULES : REQUEST_RULES_WITHOUT_RECIPIENTS;
}

export { capabilityRefusal } from './capability.ts';
export { changedHandsRefusal, ownedConversationsRefusal } from './conversation-ownership.ts';
export { concurrentCapRefusal } from './frequency-cap.ts';
export { linkedMedia } from './linked-media.ts';
export type { Decided, SendPolicy, SendUnderCheck } from './rule.ts';
export { runSendRules } from './run.ts';
