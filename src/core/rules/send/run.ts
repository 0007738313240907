/**
 * Runs send rules in the order given and applies their verdicts: a refusal is thrown at once,
 * flagged problems wait for the next gate, changes build up what the send renders and accepts.
 */
import type { FieldIssue } from '../../vocabulary/channel.ts';
import type {
  AcceptTerms,
  Decided,
  RecipientDecision,
  RequestUnderCheck,
  RuleChannel,
  SendChange,
  SendRule,
} from './rule.ts';

type Building = { -readonly [K in keyof Decided]: Decided[K] } & {
  recipients: RecipientDecision[];
  accept: AcceptTerms;
};

export async function runSendRules<S extends RequestUnderCheck, P>(
  rules: readonly SendRule<S, P>[],
  send: S,
  channel: RuleChannel,
  port: P,
  now: () => Date,
): Promise<Decided> {
  const decided: Building = undecided(send);
  const requestFlags: FieldIssue[] = [];
  const recipientFlags: FieldIssue[][] = send.recipients.map(() => []);
  // Rules read `decided` as the runner builds it up in place, so one context serves them all.
  const context = { send, channel, port, decided, now };
  for (const rule of rules) {
    const pending = rule.check(context);
    const verdict = pending instanceof Promise ? await pending : pending;
    if (verdict.kind === 'pass') continue;
    if (verdict.kind === 'refuse') throw verdict.error;
    if (apply(decided, verdict.change, requestFlags, recipientFlags)) {
      decided.flagged = [...requestFlags, ...recipientFlags.flat()];
    }
  }
  return decided;
}

/** What a send is before any rule has decided anything: its own options and expiry, no flags. */
export function undecided(send: RequestUnderCheck): Building {
  return {
    flagged: [],
    options: send.options,
    expiresAt: send.expiresAt,
    media: {},
    mediaNotes: [],
    notes: [],
    recipients: send.recipients.map(() => ({})),
    accept: { refuseAgentOwned: false },
  };
}

/** Applies one change; true when it flagged something. */
function apply(
  decided: Building,
  change: SendChange,
  requestFlags: FieldIssue[],
  recipientFlags: FieldIssue[][],
): boolean {
  let flagged = false;
  if (change.flag && change.flag.length > 0) {
    requestFlags.push(...change.flag);
    flagged = true;
  }
  change.recipients?.forEach((c, i) => {
    const recipient = decided.recipients[i];
    if (!c || !recipient) return;
    if (c.issues && c.issues.length > 0) {
      recipientFlags[i]?.push(...c.issues);
      flagged = true;
    }
    if (c.contactId !== undefined) recipient.contactId = c.contactId;
    if (c.forcedInto !== undefined) recipient.forcedInto = c.forcedInto;
    if (c.record) recipient.policy = { ...recipient.policy, ...c.record };
    if (c.holdUntil !== undefined) recipient.notBefore = c.holdUntil;
  });
  if (change.options) decided.options = change.options;
  if (change.note) decided.notes = [...decided.notes, change.note];
  if (change.media) {
    decided.media = change.media.media;
    decided.mediaNotes = [...decided.mediaNotes, ...change.media.notes];
  }
  if (change.expiresAt !== undefined) decided.expiresAt = change.expiresAt;
  if (change.accept) decided.accept = { ...decided.accept, ...change.accept };
  return flagged;
}
