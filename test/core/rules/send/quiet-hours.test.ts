import { describe, expect, it } from 'vitest';
import { quietUntil } from '../../../../src/core/rules/send/quiet-hours.ts';

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
