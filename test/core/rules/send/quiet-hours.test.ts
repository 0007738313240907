import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../../src/core/ports/store.ts';
import { quietHours, quietUntil } from '../../../../src/core/rules/send/quiet-hours.ts';
import type { QuietHours } from '../../../../src/core/rules/send/rule.ts';
import { context, fakeSend } from './fakes.ts';

describe('quiet hours', () => {
  const night = { start: '21:00', end: '08:00' };
  it('finds the end of a window that wraps past midnight, in the contact’s zone', () => {
    // 23:30 in Bangkok (UTC+7) is 16:30 UTC; the window ends at 08:00 Bangkok = 01:00 UTC next day.
    expect(quietUntil(new Date('2026-03-01T16:30:00Z'), 'Asia/Bangkok', night)?.toISOString()).toBe(
      '2026-03-02T01:00:00.000Z',
    );
    // 06:00 in Bangkok: the same night's end, today.
    expect(quietUntil(new Date('2026-03-01T23:00:00Z'), 'Asia/Bangkok', night)?.toISOString()).toBe(
      '2026-03-02T01:00:00.000Z',
    );
    // 12:00 in Bangkok: not quiet.
    expect(quietUntil(new Date('2026-03-01T05:00:00Z'), 'Asia/Bangkok', night)).toBeUndefined();
  });
  it('handles a window within one day and other offsets', () => {
    const lunch = { start: '12:00', end: '13:30' };
    // 12:15 in New York (UTC-5 in March before DST) is 17:15 UTC; ends 13:30 local = 18:30 UTC.
    expect(quietUntil(new Date('2026-03-02T17:15:00Z'), 'America/New_York', lunch)?.toISOString()).toBe(
      '2026-03-02T18:30:00.000Z',
    );
    expect(quietUntil(new Date('2026-03-02T18:30:00Z'), 'America/New_York', lunch)).toBeUndefined();
  });
});

describe('quiet hours rule', () => {
  const zones: Record<string, string> = { ct_bkk: 'Asia/Bangkok', ct_ny: 'America/New_York' };
  const port = {
    contacts: {
      get: async (_tenantId: string, id: string) => ({ id, timeZone: zones[id] }) as Contact | undefined,
    },
  };
  // 23:30 in Bangkok, 11:30 in New York.
  const at = new Date('2026-03-01T16:30:00Z');
  const check = (quiet: QuietHours | undefined, contactIds: Array<string | undefined>) =>
    quietHours.check(
      context(port, {
        send: fakeSend({ to: contactIds.map((_, i) => String(100 + i)), policy: { quietHours: quiet } }),
        before: { recipients: contactIds.map((contactId) => (contactId ? { contactId } : {})) },
        now: at,
      }),
    );
  const night = { start: '21:00', end: '08:00' };

  it('applies only when asked', async () => {
    expect(await check(undefined, ['ct_bkk'])).toEqual({ kind: 'pass' });
  });

  it('holds a message to someone inside them until they end, and records why or why not', async () => {
    expect(await check({ ...night, mode: 'hold' }, ['ct_bkk', 'ct_ny', undefined])).toEqual({
      kind: 'change',
      change: {
        recipients: [
          {
            record: { quietHours: { timeZone: 'Asia/Bangkok', heldUntil: '2026-03-02T01:00:00.000Z' } },
            holdUntil: '2026-03-02T01:00:00.000Z',
          },
          { record: { quietHours: { timeZone: 'America/New_York', quiet: false } } },
          { record: { quietHours: { skipped: 'no time zone for this contact' } } },
        ],
      },
    });
  });

  it('flags the recipient instead in reject mode', async () => {
    expect(await check({ ...night, mode: 'reject' }, ['ct_ny', 'ct_bkk'])).toMatchObject({
      change: {
        recipients: [
          { record: { quietHours: { quiet: false } } },
          {
            issues: [
              {
                pointer: '/to/1',
                rule: 'quiet_hours',
                detail: 'it is quiet hours for the person (Asia/Bangkok) until 2026-03-02T01:00:00.000Z',
              },
            ],
          },
        ],
      },
    });
  });
});
