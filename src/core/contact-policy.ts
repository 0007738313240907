/**
 * Contact policy, applied when a send asks for it (`policy`): consent for the purpose on the
 * channel, and frequency caps per contact and group. A recipient the policy refuses refuses the
 * request (nothing is stored), naming the recipient and the rule; what was applied to each
 * recipient is recorded on its message. Sends without `policy` pay nothing for this.
 */

import type { ConsentPurpose, Store } from './ports/store.ts';
import { recipientPointer, recipientsOf } from './prepare-send.ts';
import { type QuietHours, quietUntil } from './rules/send/quiet-hours.ts';
import type { FieldIssue } from './vocabulary/channel.ts';
import { AppError, validationError } from './vocabulary/errors.ts';

export interface SendPolicy {
  checkConsent?: boolean | undefined;
  /** What the message is for; consent is checked for it. Default: marketing. */
  purpose?: ConsentPurpose | undefined;
  applyFrequencyCap?: boolean | undefined;
  group?: string | undefined;
  /** Quiet hours in the contact's time zone; contacts without one are not held. */
  quietHours?: QuietHours | undefined;
}

export interface AppliedPolicy {
  contactId?: string;
  record: Record<string, unknown>;
  /** Held by quiet hours: not sent before this instant. */
  notBefore?: string;
}

export interface PolicyOutcome {
  recipients: Map<string, AppliedPolicy>;
  /** The group's cap windows, for the store to check again inside the accept transaction. */
  capWindows?: Array<{ since: string; max: number }>;
}

const DAY_MS = 86_400_000;
const WINDOWS = [
  ['perDay', 'day', DAY_MS],
  ['perWeek', 'week', 7 * DAY_MS],
  ['perMonth', 'month', 30 * DAY_MS],
] as const;

export async function applyPolicy(
  store: Store,
  tenantId: string,
  policy: SendPolicy,
  target: {
    channel: string;
    channelAccountId: string;
    to: string | string[];
    contactId?: string | undefined;
  },
  now: Date,
): Promise<PolicyOutcome> {
  const purpose = policy.purpose ?? 'marketing';
  let cap: Awaited<ReturnType<Store['policy']['getCap']>>;
  if (policy.applyFrequencyCap) {
    if (!policy.group) {
      throw validationError([
        { pointer: '/policy/group', rule: 'required', detail: 'a frequency cap needs its group' },
      ]);
    }
    cap = await store.policy.getCap(tenantId, policy.group);
    if (!cap) {
      throw validationError([
        {
          pointer: '/policy/group',
          rule: 'frequency_cap',
          detail: `no frequency cap for group ${policy.group}; set one with PUT /v1/frequency-caps/${policy.group}`,
        },
      ]);
    }
  }

  const applied = new Map<string, AppliedPolicy>();
  const issues: FieldIssue[] = [];
  const recipients = recipientsOf(target);
  // Two addresses of one contact in one request both count against the contact's cap.
  const earlierInRequest = new Map<string, number>();
  for (const [i, address] of recipients.entries()) {
    const pointer = recipientPointer(target.to, i);
    const contactId =
      target.contactId ??
      (await store.contacts.contactFor(tenantId, target.channel, target.channelAccountId, address));
    const record: Record<string, unknown> = {};
    if (policy.checkConsent) {
      const consent = contactId
        ? await store.policy.consentFor(tenantId, contactId, target.channel, purpose)
        : undefined;
      record['consent'] = { purpose, status: consent?.status ?? 'none' };
      const allowed =
        purpose === 'marketing' ? consent?.status === 'opted_in' : consent?.status !== 'opted_out';
      if (!allowed) {
        issues.push({
          pointer,
          rule: 'consent',
          detail:
            consent?.status === 'opted_out'
              ? `the person opted out of ${purpose} messages${consent.source === 'keyword' ? ' (they wrote a stop word)' : ''}`
              : `no ${purpose} consent on record for ${contactId ? `contact ${contactId}` : 'this address'}`,
        });
      }
    }
    if (cap && contactId) {
      const counts: Record<string, number> = {};
      const windows = WINDOWS.filter(([field]) => cap[field] !== undefined);
      const used = await store.policy.countInGroup(
        tenantId,
        contactId,
        cap.group,
        windows.map(([, , ms]) => new Date(now.getTime() - ms).toISOString()),
      );
      const before = earlierInRequest.get(contactId) ?? 0;
      earlierInRequest.set(contactId, before + 1);
      for (const [i, [field, window]] of windows.entries()) {
        const limit = cap[field] as number;
        const n = used[i] ?? 0;
        counts[window] = n;
        if (n + before >= limit) {
          issues.push({
            pointer,
            rule: 'frequency_cap',
            detail:
              before > 0
                ? `${n} of ${limit} ${cap.group} messages this ${window} already, and this request sends contact ${contactId} ${before} more before this one`
                : `${n} of ${limit} ${cap.group} messages this ${window} already`,
          });
        }
      }
      record['frequencyCap'] = { group: cap.group, counts };
    } else if (cap) {
      record['frequencyCap'] = { group: cap.group, skipped: 'no contact for this address' };
    }
    let notBefore: string | undefined;
    if (policy.quietHours) {
      const timeZone = contactId ? (await store.contacts.get(tenantId, contactId))?.timeZone : undefined;
      const until = timeZone ? quietUntil(now, timeZone, policy.quietHours) : undefined;
      if (!timeZone) record['quietHours'] = { skipped: 'no time zone for this contact' };
      else if (!until) record['quietHours'] = { timeZone, quiet: false };
      else if (policy.quietHours.mode === 'reject') {
        issues.push({
          pointer,
          rule: 'quiet_hours',
          detail: `it is quiet hours for the person (${timeZone}) until ${until.toISOString()}`,
        });
      } else {
        notBefore = until.toISOString();
        record['quietHours'] = { timeZone, heldUntil: notBefore };
      }
    }
    applied.set(address, {
      ...(contactId ? { contactId } : {}),
      record,
      ...(notBefore ? { notBefore } : {}),
    });
  }
  if (issues.length > 0)
    throw new AppError('GW_POLICY_REJECTED', 'The contact policy rejects the send', issues);
  const capWindows = cap
    ? WINDOWS.filter(([field]) => cap[field] !== undefined).map(([field, , ms]) => ({
        since: new Date(now.getTime() - ms).toISOString(),
        max: cap[field] as number,
      }))
    : undefined;
  return { recipients: applied, ...(capWindows ? { capWindows } : {}) };
}
