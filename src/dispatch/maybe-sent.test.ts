import { describe, expect, it } from 'vitest';
import { afterUnknownOutcome } from './maybe-sent.ts';

describe('maybe-sent policy', () => {
  it('resends where the provider deduplicates, whatever came before', () => {
    expect([0, 1, 5].map((n) => afterUnknownOutcome('resend', n))).toEqual(['resend', 'resend', 'resend']);
  });

  it('resends once at most where it does not, and by default', () => {
    expect([0, 1, 2].map((n) => afterUnknownOutcome('resend_once', n))).toEqual(['resend', 'fail', 'fail']);
    expect([0, 1].map((n) => afterUnknownOutcome(undefined, n))).toEqual(['resend', 'fail']);
  });

  it('never resends when told so', () => {
    expect(afterUnknownOutcome('fail', 0)).toBe('fail');
  });
});
