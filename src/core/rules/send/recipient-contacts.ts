/**
 * Who each recipient is, for the contact policy: the contact the send addressed, or the one the
 * address belongs to on this account. Only a send that asks for a policy (`policy`) reads it, and
 * its every message then records what the policy found, starting from an empty record.
 */
import type { ContactRepository } from '../../ports/store.ts';
import {
  change,
  PASS,
  type RecipientChange,
  type SendRule,
  type SendUnderCheck,
  type Verdict,
} from './rule.ts';

export interface RecipientContactsPort {
  contacts: Pick<ContactRepository, 'contactFor'>;
}

export const recipientContacts: SendRule<SendUnderCheck, RecipientContactsPort> = {
  name: 'recipient-contacts',
  check: ({ send, port }) => (send.policy ? contactsOf(send, port) : PASS),
};

async function contactsOf(send: SendUnderCheck, port: RecipientContactsPort): Promise<Verdict> {
  const recipients: RecipientChange[] = [];
  for (const address of send.recipients) {
    const contactId =
      send.contactId ??
      (await port.contacts.contactFor(send.tenantId, send.channel, send.accountId, address));
    recipients.push({ ...(contactId ? { contactId } : {}), record: {} });
  }
  return change({ recipients });
}
