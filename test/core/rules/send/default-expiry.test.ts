import { describe, expect, it } from 'vitest';
import { defaultExpiry } from '../../../../src/core/rules/send/default-expiry.ts';
import { context, fakeSend } from './fakes.ts';

describe('default expiry', () => {
  const defaultTtlSeconds = { fake: 60 };

  it('gives a send without expiresAt its channel’s time to live, from the clock', async () => {
    expect(await defaultExpiry.check(context({ defaultTtlSeconds }))).toEqual({
      kind: 'change',
      change: { expiresAt: '2026-03-01T12:01:00.000Z' },
    });
  });

  it('leaves a send’s own expiresAt, and channels without a default', async () => {
    const own = fakeSend({ expiresAt: '2026-03-02T00:00:00Z' });
    expect(await defaultExpiry.check(context({ defaultTtlSeconds }, { send: own }))).toEqual({
      kind: 'pass',
    });
    expect(await defaultExpiry.check(context({ defaultTtlSeconds: { other: 60 } }))).toEqual({
      kind: 'pass',
    });
    expect(await defaultExpiry.check(context({}))).toEqual({ kind: 'pass' });
  });
});
