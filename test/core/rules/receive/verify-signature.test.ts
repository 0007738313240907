import { describe, expect, it, vi } from 'vitest';
import type { Reading } from '../../../../src/core/rules/receive/context.ts';
import { verifySignature } from '../../../../src/core/rules/receive/verify-signature.ts';
import { ACCOUNT, fakeChannel, signedRequest } from './fakes.ts';

function webhook(channel = fakeChannel(), request = signedRequest({ events: [] })) {
  return { channel, account: ACCOUNT, request, body: Buffer.alloc(0) } satisfies Pick<
    Reading,
    'channel' | 'account' | 'request' | 'body'
  >;
}

describe('verify signature', () => {
  it('lets the raw body through when the signature matches', () => {
    const w = webhook();
    verifySignature(w);
    expect(w.body.toString()).toBe('{"events":[]}');
  });

  it('refuses a bad signature with a 401, before anything opens the body', () => {
    const openInbound = vi.fn(() => Buffer.from('{}'));
    const w = webhook(fakeChannel({ openInbound }), {
      ...signedRequest({}),
      headers: { 'x-signature': 'no' },
    });
    expect(() => verifySignature(w)).toThrow(
      expect.objectContaining({
        code: 'GW_UNAUTHORIZED',
        status: 401,
        message: 'The webhook signature does not match',
      }),
    );
    expect(openInbound).not.toHaveBeenCalled();
  });

  it('hands on what the channel unsealed from a verified body', () => {
    const w = webhook(
      fakeChannel({ openInbound: (_request, credentials) => Buffer.from(credentials.secret!) }),
    );
    verifySignature(w);
    expect(w.body.toString()).toBe('s3cret');
  });

  it('refuses a sealed body that will not open like a bad signature', () => {
    const w = webhook(fakeChannel({ openInbound: () => undefined }));
    expect(() => verifySignature(w)).toThrow(
      expect.objectContaining({ code: 'GW_UNAUTHORIZED', message: 'The webhook signature does not match' }),
    );
  });
});
