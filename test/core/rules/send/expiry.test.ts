import { describe, expect, it } from 'vitest';
import { expiry } from '../../../../src/core/rules/send/expiry.ts';
import { context, fakeSend } from './fakes.ts';

const at = (expiresAt: string | undefined) => expiry.check(context({}, { send: fakeSend({ expiresAt }) }));

describe('expiry', () => {
  it('passes no expiry, or one ahead of the clock', async () => {
    expect(await at(undefined)).toEqual({ kind: 'pass' });
    expect(await at('2026-03-01T12:00:01Z')).toEqual({ kind: 'pass' });
  });

  it('flags an instant already past, the clock’s own included', async () => {
    expect(await at('2026-03-01T12:00:00Z')).toEqual({
      kind: 'change',
      change: {
        flag: [
          {
            pointer: '/expiresAt',
            rule: 'future',
            detail: 'is already past; the message would never be sent',
          },
        ],
      },
    });
  });

  it('flags a leap second, which the schema allows and a date cannot hold', async () => {
    expect(await at('2026-06-30T23:59:60Z')).toEqual({
      kind: 'change',
      change: {
        flag: [
          { pointer: '/expiresAt', rule: 'format', detail: 'is not an instant this server can represent' },
        ],
      },
    });
  });
});
