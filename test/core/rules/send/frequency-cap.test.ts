import { describe, expect, it } from 'vitest';
import type { FrequencyCap } from '../../../../src/core/ports/store.ts';
import { concurrentCapRefusal, frequencyCap } from '../../../../src/core/rules/send/frequency-cap.ts';
import type { SendPolicy } from '../../../../src/core/rules/send/rule.ts';
import { context, fakeSend } from './fakes.ts';

const caps: Record<string, FrequencyCap> = { promo: { group: 'promo', perDay: 2, perMonth: 10 } };
/** Messages already sent per contact: today's, this month's. */
const sent: Record<string, [number, number]> = { ct_1: [1, 3], ct_full: [2, 3] };

function port() {
  const since: string[][] = [];
  return {
    since,
    policy: {
      getCap: async (_tenantId: string, group: string) => caps[group],
      countInGroup: async (_tenantId: string, contactId: string, _group: string, windows: string[]) => {
        since.push(windows);
        return sent[contactId] ?? [0, 0];
      },
    },
  };
}

function check(policy: SendPolicy, contactIds: Array<string | undefined>, reads = port()) {
  const send = fakeSend({ to: contactIds.map((_, i) => String(100 + i)), policy });
  return frequencyCap.check(
    context(reads, {
      send,
      before: { recipients: contactIds.map((contactId) => (contactId ? { contactId } : {})) },
    }),
  );
}

describe('frequency cap', () => {
  it('applies only when asked', async () => {
    expect(await check({ group: 'promo' }, ['ct_full'])).toEqual({ kind: 'pass' });
  });

  it('refuses at once a cap without a group, or a group without a cap', async () => {
    expect(await check({ applyFrequencyCap: true }, ['ct_1'])).toMatchObject({
      kind: 'refuse',
      error: { code: 'GW_VALIDATION', issues: [{ pointer: '/policy/group', rule: 'required' }] },
    });
    expect(await check({ applyFrequencyCap: true, group: 'none' }, ['ct_1'])).toMatchObject({
      kind: 'refuse',
      error: {
        code: 'GW_VALIDATION',
        issues: [
          {
            pointer: '/policy/group',
            rule: 'frequency_cap',
            detail: 'no frequency cap for group none; set one with PUT /v1/frequency-caps/none',
          },
        ],
      },
    });
  });

  it('counts each contact’s messages per window, and hands the windows to the accept', async () => {
    const reads = port();
    const verdict = await check(
      { applyFrequencyCap: true, group: 'promo' },
      ['ct_1', undefined, 'ct_full'],
      reads,
    );
    const windows = ['2026-02-28T12:00:00.000Z', '2026-01-30T12:00:00.000Z'];
    expect(reads.since).toEqual([windows, windows]);
    expect(verdict).toEqual({
      kind: 'change',
      change: {
        recipients: [
          { record: { frequencyCap: { group: 'promo', counts: { day: 1, month: 3 } } }, issues: [] },
          { record: { frequencyCap: { group: 'promo', skipped: 'no contact for this address' } } },
          {
            record: { frequencyCap: { group: 'promo', counts: { day: 2, month: 3 } } },
            issues: [
              { pointer: '/to/2', rule: 'frequency_cap', detail: '2 of 2 promo messages this day already' },
            ],
          },
        ],
        accept: {
          policyGroup: 'promo',
          capWindows: [
            { since: windows[0], max: 2 },
            { since: windows[1], max: 10 },
          ],
        },
      },
    });
  });

  it('counts two addresses of one contact in one request', async () => {
    const verdict = await check({ applyFrequencyCap: true, group: 'promo' }, ['ct_1', 'ct_1']);
    expect(verdict).toMatchObject({
      change: {
        recipients: [
          { issues: [] },
          {
            issues: [
              {
                pointer: '/to/1',
                rule: 'frequency_cap',
                detail:
                  '1 of 2 promo messages this day already, and this request sends contact ct_1 1 more before this one',
              },
            ],
          },
        ],
      },
    });
  });

  it('names the recipients a concurrent send capped at the accept', () => {
    expect(
      concurrentCapRefusal(
        { to: ['1', '2', '3'], policy: { group: 'promo' } },
        ['ct_1', undefined, 'ct_2'],
        ['ct_2'],
      ),
    ).toMatchObject({
      code: 'GW_POLICY_REJECTED',
      issues: [
        {
          pointer: '/to/2',
          rule: 'frequency_cap',
          detail: 'a concurrent send reached the promo cap for contact ct_2',
        },
      ],
    });
  });
});
