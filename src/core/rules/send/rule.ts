/**
 * What a send rule is. A rule sees the request (template filled, contact addressed), the channel's
 * policy part, a narrow port with only the reads it needs, the clock, and what the rules before it
 * decided; it answers with a verdict, and `run.ts` applies the verdicts in the order `index.ts`
 * declares. Rules never write: everything they decide goes into the one accept transaction.
 */
import type { ChannelIdentity, ChannelPolicy } from '../../ports/channel.ts';
import type { ConsentPurpose } from '../../ports/store.ts';
import type { Degradation, FieldIssue, LinkedMedia } from '../../vocabulary/channel.ts';
import { type AppError, type ErrorCode, validationError } from '../../vocabulary/errors.ts';
import type { CanonicalMessage } from '../../vocabulary/message.ts';

/** A quiet window in the contact's own time zone. */
export interface QuietHours {
  /** Local "HH:MM" the quiet window starts. */
  start: string;
  /** Local "HH:MM" it ends. */
  end: string;
  /** `hold` waits for the window to end; `reject` refuses the send. */
  mode: 'hold' | 'reject';
}

/** Contact policy a send asks for (`policy`): consent, frequency cap, quiet hours. */
export interface SendPolicy {
  checkConsent?: boolean | undefined;
  /** What the message is for; consent is checked for it. Default: marketing. */
  purpose?: ConsentPurpose | undefined;
  applyFrequencyCap?: boolean | undefined;
  group?: string | undefined;
  /** Quiet hours in the contact's time zone; contacts without one are not held. */
  quietHours?: QuietHours | undefined;
}

/** The request alone, as a preview has it too: no account, no tenant's records. */
export interface RequestUnderCheck {
  /** The channel's name as the request gives it. */
  readonly channel: string;
  /** As given, for pointers: `/to` for one address, `/to/i` in a list. */
  readonly to: string | string[];
  readonly recipients: string[];
  /** Filled: a stored template's, the first recipient's short links (all are the same length). */
  readonly message: CanonicalMessage;
  readonly options?: Record<string, unknown> | undefined;
  readonly expiresAt?: string | undefined;
  readonly callbackUrl?: string | undefined;
}

/** A send to check: the request, and whose it is and what it asks of the contact policy. */
export interface SendUnderCheck extends RequestUnderCheck {
  readonly tenantId: string;
  readonly accountId: string;
  /** The contact the send addressed (`to: { contactId }`), if it did. */
  readonly contactId?: string | undefined;
  /** Send even into conversations an agent owns. */
  readonly force: boolean;
  readonly policy?: SendPolicy | undefined;
}

/** The channel as the rules see it: its policy part, and its names for their details. */
export type RuleChannel = Pick<ChannelIdentity, 'name' | 'displayName'> & ChannelPolicy;

/** What the accept does for the rules: checks it repeats inside its own transaction. */
export interface AcceptTerms {
  /** Refuse the batch when an agent owns a recipient's conversation (AcceptBatch.refuseAgentOwned). */
  refuseAgentOwned: boolean;
  /** The frequency-cap group the messages count against. */
  policyGroup?: string | undefined;
  /** The group's cap windows, checked again by the accept so that two racing sends cannot both land. */
  capWindows?: Array<{ since: string; max: number }> | undefined;
}

/** What the rules decided for one recipient, stored on its message. */
export interface RecipientDecision {
  contactId?: string;
  /** The conversation an agent owns that a forced send goes into. */
  forcedInto?: string;
  /** What the contact policy found (consent, cap counts, quiet hours). */
  policy?: Record<string, unknown>;
  /** Held: not sent before this instant. */
  notBefore?: string;
}

/** What the rules decided so far; after the last rule, what the send renders and accepts. */
export interface Decided {
  /** Flagged since the last gate: the request's own problems, then each recipient's in order. */
  readonly flagged: readonly FieldIssue[];
  /** The send's options as they will render (a stale reply token taken out). */
  readonly options: Record<string, unknown> | undefined;
  readonly expiresAt: string | undefined;
  /** What was found at the media the message links to, for the renderer. */
  readonly media: LinkedMedia;
  /** Notes about linked media every message records (a URL that could not be probed). */
  readonly mediaNotes: readonly Degradation[];
  /** Other notes every message records (a reply sent as a push). */
  readonly notes: readonly Degradation[];
  /** By recipient index. */
  readonly recipients: readonly RecipientDecision[];
  readonly accept: Readonly<AcceptTerms>;
}

/** A rule's change to one recipient. */
export interface RecipientChange {
  /** Problems flagged like `SendChange.flag`, reported after the request's own. */
  issues?: readonly FieldIssue[] | undefined;
  contactId?: string | undefined;
  forcedInto?: string | undefined;
  /** Added to the recipient's policy record; an empty one starts it. */
  record?: Record<string, unknown> | undefined;
  /** Hold the message until then (quiet hours). */
  holdUntil?: string | undefined;
}

export interface SendChange {
  /** Problems refused together with the others flagged before the next gate. */
  flag?: readonly FieldIssue[] | undefined;
  /** By recipient index. */
  recipients?: ReadonlyArray<RecipientChange | undefined> | undefined;
  /** The send's options, replaced. */
  options?: Record<string, unknown> | undefined;
  note?: Degradation | undefined;
  media?: { media: LinkedMedia; notes: Degradation[] } | undefined;
  expiresAt?: string | undefined;
  accept?: Partial<AcceptTerms> | undefined;
}

export type Verdict =
  | { readonly kind: 'pass' }
  /** Refused now: no later rule runs, nothing is stored. */
  | { readonly kind: 'refuse'; readonly error: AppError }
  | { readonly kind: 'change'; readonly change: SendChange };

export interface RuleContext<S, P> {
  readonly send: S;
  readonly channel: RuleChannel;
  readonly port: P;
  readonly decided: Decided;
  now(): Date;
}

/**
 * A named rule: `S` is the view of the send it reads, `P` the port it reads through. A rule with
 * nothing to read answers synchronously, so a send it does not concern costs no extra turn.
 */
export interface SendRule<S = SendUnderCheck, P = unknown> {
  readonly name: string;
  check(context: RuleContext<S, P>): Verdict | Promise<Verdict>;
}

export const PASS: Verdict = { kind: 'pass' };

export function refuse(issues: FieldIssue[], code?: ErrorCode): Verdict {
  return { kind: 'refuse', error: validationError(issues, code) };
}

export function change(change: SendChange): Verdict {
  return { kind: 'change', change };
}

/** Problems the request is refused for at the next gate, with whatever else is flagged by then. */
export function flag(issues: FieldIssue[]): Verdict {
  return issues.length > 0 ? change({ flag: issues }) : PASS;
}

/**
 * Refuses what the rules before it flagged since the last gate, all of it in one problem, so a
 * caller learns every fault of a request at once rather than one per try.
 */
export function gate(name: string, refusal: (issues: FieldIssue[]) => AppError): SendRule<unknown> {
  return {
    name,
    check: ({ decided }) =>
      decided.flagged.length > 0 ? { kind: 'refuse', error: refusal([...decided.flagged]) } : PASS,
  };
}
