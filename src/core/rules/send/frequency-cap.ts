/**
 * Frequency caps, when a send asks for one (`policy.applyFrequencyCap`): each contact may get at
 * most the group's number of messages a day, a week, a month. A request refused for a recipient
 * names it with the contact policy's other refusals; two addresses of one contact in one request
 * both count. The accept counts again inside its transaction (`capWindows`), so two sends racing
 * past this check cannot both land; `concurrentCapRefusal` names who the accept refused for.
 */
import type { PolicyRepository } from '../../ports/store.ts';
import { recipientPointer } from '../../prepare-send.ts';
import type { FieldIssue } from '../../vocabulary/channel.ts';
import { AppError } from '../../vocabulary/errors.ts';
import {
  change,
  PASS,
  type RecipientChange,
  type RuleContext,
  refuse,
  type SendRule,
  type SendUnderCheck,
  type Verdict,
} from './rule.ts';

export interface FrequencyCapPort {
  policy: Pick<PolicyRepository, 'getCap' | 'countInGroup'>;
}

const DAY_MS = 86_400_000;
const WINDOWS = [
  ['perDay', 'day', DAY_MS],
  ['perWeek', 'week', 7 * DAY_MS],
  ['perMonth', 'month', 30 * DAY_MS],
] as const;

export const frequencyCap: SendRule<SendUnderCheck, FrequencyCapPort> = {
  name: 'frequency-cap',
  check: (context) => (context.send.policy?.applyFrequencyCap ? capOf(context) : PASS),
};

async function capOf({
  send,
  port,
  decided,
  now,
}: RuleContext<SendUnderCheck, FrequencyCapPort>): Promise<Verdict> {
  const group = send.policy?.group;
  if (!group) {
    return refuse([
      { pointer: '/policy/group', rule: 'required', detail: 'a frequency cap needs its group' },
    ]);
  }
  const cap = await port.policy.getCap(send.tenantId, group);
  if (!cap) {
    return refuse([
      {
        pointer: '/policy/group',
        rule: 'frequency_cap',
        detail: `no frequency cap for group ${group}; set one with PUT /v1/frequency-caps/${group}`,
      },
    ]);
  }
  const at = now().getTime();
  const windows = WINDOWS.filter(([field]) => cap[field] !== undefined);
  const since = windows.map(([, , ms]) => new Date(at - ms).toISOString());
  const recipients: RecipientChange[] = [];
  // Two addresses of one contact in one request both count against the contact's cap.
  const earlierInRequest = new Map<string, number>();
  for (const [i, { contactId }] of decided.recipients.entries()) {
    if (!contactId) {
      recipients.push({
        record: { frequencyCap: { group: cap.group, skipped: 'no contact for this address' } },
      });
      continue;
    }
    const used = await port.policy.countInGroup(send.tenantId, contactId, cap.group, since);
    const before = earlierInRequest.get(contactId) ?? 0;
    earlierInRequest.set(contactId, before + 1);
    const counts: Record<string, number> = {};
    const issues: FieldIssue[] = [];
    for (const [w, [field, window]] of windows.entries()) {
      const limit = cap[field] as number;
      const n = used[w] ?? 0;
      counts[window] = n;
      if (n + before >= limit) {
        issues.push({
          pointer: recipientPointer(send.to, i),
          rule: 'frequency_cap',
          detail:
            before > 0
              ? `${n} of ${limit} ${cap.group} messages this ${window} already, and this request sends contact ${contactId} ${before} more before this one`
              : `${n} of ${limit} ${cap.group} messages this ${window} already`,
        });
      }
    }
    recipients.push({ record: { frequencyCap: { group: cap.group, counts } }, issues });
  }
  return change({
    recipients,
    accept: {
      policyGroup: group,
      capWindows: windows.map(([field], w) => ({ since: since[w] ?? '', max: cap[field] as number })),
    },
  });
}

/** The contact policy's refusal (consent, caps, quiet hours), with every recipient's issues. */
export function policyRejected(issues: FieldIssue[]): AppError {
  return new AppError('GW_POLICY_REJECTED', 'The contact policy rejects the send', issues);
}

/** The accept found a concurrent send took the last of these contacts' cap after the check. */
export function concurrentCapRefusal(
  send: Pick<SendUnderCheck, 'to' | 'policy'>,
  contactIds: ReadonlyArray<string | undefined>,
  capped: readonly string[],
): AppError {
  const refused = new Set(capped);
  return policyRejected(
    contactIds.flatMap((contactId, i) =>
      contactId && refused.has(contactId)
        ? [
            {
              pointer: recipientPointer(send.to, i),
              rule: 'frequency_cap',
              detail: `a concurrent send reached the ${send.policy?.group} cap for contact ${contactId}`,
            },
          ]
        : [],
    ),
  );
}
