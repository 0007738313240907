/**
 * Consent, when a send asks for it (`policy.checkConsent`): marketing needs the person's opt-in on
 * the channel (or on every channel); any other purpose is refused only by an opt-out. A refused
 * recipient is named with the contact policy's other refusals; what was found is recorded.
 */
import type { PolicyRepository } from '../../ports/store.ts';
import { recipientPointer } from '../../prepare-send.ts';
import {
  change,
  PASS,
  type RecipientChange,
  type SendRule,
  type SendUnderCheck,
  type Verdict,
} from './rule.ts';

export interface ConsentPort {
  policy: Pick<PolicyRepository, 'consentFor'>;
}

export const consent: SendRule<SendUnderCheck, ConsentPort> = {
  name: 'consent',
  check: ({ send, port, decided }) =>
    send.policy?.checkConsent
      ? consentOf(
          send,
          port,
          decided.recipients.map((r) => r.contactId),
        )
      : PASS,
};

async function consentOf(
  send: SendUnderCheck,
  port: ConsentPort,
  contactIds: Array<string | undefined>,
): Promise<Verdict> {
  const purpose = send.policy?.purpose ?? 'marketing';
  const recipients: RecipientChange[] = [];
  for (const [i, contactId] of contactIds.entries()) {
    const found = contactId
      ? await port.policy.consentFor(send.tenantId, contactId, send.channel, purpose)
      : undefined;
    const allowed = purpose === 'marketing' ? found?.status === 'opted_in' : found?.status !== 'opted_out';
    recipients.push({
      record: { consent: { purpose, status: found?.status ?? 'none' } },
      ...(allowed
        ? {}
        : {
            issues: [
              {
                pointer: recipientPointer(send.to, i),
                rule: 'consent',
                detail:
                  found?.status === 'opted_out'
                    ? `the person opted out of ${purpose} messages${found.source === 'keyword' ? ' (they wrote a stop word)' : ''}`
                    : `no ${purpose} consent on record for ${contactId ? `contact ${contactId}` : 'this address'}`,
              },
            ],
          }),
    });
  }
  return change({ recipients });
}
