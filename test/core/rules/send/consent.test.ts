import { describe, expect, it } from 'vitest';
import type { Consent, ConsentPurpose } from '../../../../src/core/ports/store.ts';
import { consent } from '../../../../src/core/rules/send/consent.ts';
import type { SendPolicy } from '../../../../src/core/rules/send/rule.ts';
import { context, fakeSend } from './fakes.ts';

const consents: Record<string, Pick<Consent, 'status' | 'source'>> = {
  ct_in: { status: 'opted_in', source: 'api' },
  ct_out: { status: 'opted_out', source: 'keyword' },
};
const port = {
  policy: {
    consentFor: async (_tenantId: string, contactId: string, _channel: string, _purpose: ConsentPurpose) => {
      const found = consents[contactId];
      return (
        found && { channel: '*', purpose: 'marketing' as const, updatedAt: '2026-01-01T00:00:00Z', ...found }
      );
    },
  },
};

function check(policy: SendPolicy, contactIds: Array<string | undefined>) {
  const send = fakeSend({ to: contactIds.map((_, i) => String(100 + i)), policy });
  return consent.check(
    context(port, {
      send,
      before: { recipients: contactIds.map((contactId) => (contactId ? { contactId } : {})) },
    }),
  );
}

describe('consent', () => {
  it('checks only when asked', async () => {
    expect(await check({}, ['ct_out'])).toEqual({ kind: 'pass' });
  });

  it('needs an opt-in for marketing, and records what it found for every recipient', async () => {
    expect(await check({ checkConsent: true }, ['ct_in', 'ct_out', 'ct_none', undefined])).toEqual({
      kind: 'change',
      change: {
        recipients: [
          { record: { consent: { purpose: 'marketing', status: 'opted_in' } } },
          {
            record: { consent: { purpose: 'marketing', status: 'opted_out' } },
            issues: [
              {
                pointer: '/to/1',
                rule: 'consent',
                detail: 'the person opted out of marketing messages (they wrote a stop word)',
              },
            ],
          },
          {
            record: { consent: { purpose: 'marketing', status: 'none' } },
            issues: [
              {
                pointer: '/to/2',
                rule: 'consent',
                detail: 'no marketing consent on record for contact ct_none',
              },
            ],
          },
          {
            record: { consent: { purpose: 'marketing', status: 'none' } },
            issues: [
              {
                pointer: '/to/3',
                rule: 'consent',
                detail: 'no marketing consent on record for this address',
              },
            ],
          },
        ],
      },
    });
  });

  it('refuses other purposes only for an opt-out', async () => {
    const verdict = await check({ checkConsent: true, purpose: 'transactional' }, ['ct_none', 'ct_out']);
    expect(verdict).toMatchObject({
      change: {
        recipients: [
          { record: { consent: { purpose: 'transactional', status: 'none' } } },
          { issues: [{ pointer: '/to/1', rule: 'consent' }] },
        ],
      },
    });
    if (verdict.kind === 'change') expect(verdict.change.recipients?.[0]).not.toHaveProperty('issues');
  });
});
