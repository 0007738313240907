import { describe, expect, it } from 'vitest';
import { recipientAddress } from '../../../../src/core/rules/send/recipient-address.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

describe('recipient address', () => {
  const channel = fakeChannel({ checkRecipient: (to) => (/^\d+$/.test(to) ? undefined : 'digits only') });

  it('flags each address the channel cannot reach, at its pointer', async () => {
    const send = fakeSend({ to: ['100', 'abc', '200', 'x'] });
    expect(await recipientAddress.check(context({}, { send, channel }))).toEqual({
      kind: 'change',
      change: {
        flag: [
          { pointer: '/to/1', rule: 'recipient', detail: 'digits only' },
          { pointer: '/to/3', rule: 'recipient', detail: 'digits only' },
        ],
      },
    });
  });

  it('points at /to for a single address, and passes good ones', async () => {
    expect(await recipientAddress.check(context({}, { send: fakeSend({ to: 'abc' }), channel }))).toEqual({
      kind: 'change',
      change: { flag: [{ pointer: '/to', rule: 'recipient', detail: 'digits only' }] },
    });
    expect(await recipientAddress.check(context({}, { send: fakeSend({ to: '1' }), channel }))).toEqual({
      kind: 'pass',
    });
  });
});
