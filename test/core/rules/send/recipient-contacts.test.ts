import { describe, expect, it } from 'vitest';
import { recipientContacts } from '../../../../src/core/rules/send/recipient-contacts.ts';
import { context, fakeSend } from './fakes.ts';

function contacts(byAddress: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    contacts: {
      contactFor: async (_tenantId: string, channel: string, _accountId: string, address: string) => {
        reads.push(`${channel}:${address}`);
        return byAddress[address];
      },
    },
  };
}

describe('recipient contacts', () => {
  it('reads nothing for a send without a policy', () => {
    const port = contacts({ '100': 'ct_1' });
    expect(recipientContacts.check(context(port))).toEqual({ kind: 'pass' });
    expect(port.reads).toEqual([]);
  });

  it('finds each address’s contact on the channel, and starts every recipient’s record', async () => {
    const port = contacts({ '100': 'ct_1' });
    const send = fakeSend({ to: ['100', '200'], policy: {} });
    expect(await recipientContacts.check(context(port, { send }))).toEqual({
      kind: 'change',
      change: { recipients: [{ contactId: 'ct_1', record: {} }, { record: {} }] },
    });
    expect(port.reads).toEqual(['fake:100', 'fake:200']);
  });

  it('takes the contact the send addressed without a read', async () => {
    const port = contacts({});
    const send = fakeSend({ contactId: 'ct_9', policy: {} });
    expect(await recipientContacts.check(context(port, { send }))).toEqual({
      kind: 'change',
      change: { recipients: [{ contactId: 'ct_9', record: {} }] },
    });
    expect(port.reads).toEqual([]);
  });
});
