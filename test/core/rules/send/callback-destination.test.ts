import { describe, expect, it } from 'vitest';
import { callbackDestination } from '../../../../src/core/rules/send/callback-destination.ts';
import { context, fakeSend } from './fakes.ts';

describe('callback destination', () => {
  const destinationGuard = {
    urlRefusal: (url: string) => (url.includes('127.0.0.1') ? 'resolves to a loopback address' : undefined),
  };

  it('flags a callbackUrl the guard refuses', async () => {
    const send = fakeSend({ callbackUrl: 'http://127.0.0.1/hook' });
    expect(await callbackDestination.check(context({ destinationGuard }, { send }))).toEqual({
      kind: 'change',
      change: {
        flag: [{ pointer: '/callbackUrl', rule: 'public_address', detail: 'resolves to a loopback address' }],
      },
    });
  });

  it('passes a public one, no callback, or no guard at all', async () => {
    const loopback = fakeSend({ callbackUrl: 'http://127.0.0.1/hook' });
    const open = fakeSend({ callbackUrl: 'https://example.com/hook' });
    expect(await callbackDestination.check(context({ destinationGuard }, { send: open }))).toEqual({
      kind: 'pass',
    });
    expect(await callbackDestination.check(context({ destinationGuard }))).toEqual({ kind: 'pass' });
    expect(await callbackDestination.check(context({}, { send: loopback }))).toEqual({ kind: 'pass' });
  });
});
