import { describe, expect, it } from 'vitest';
import { encodeTime, newId } from './ids.ts';

describe('ids', () => {
  it('are ULIDs that sort in creation order, within one millisecond too', () => {
    const ids = Array.from({ length: 2000 }, () => newId('msg'));
    expect(ids.every((id) => /^msg_[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encode the time in the first ten characters', () => {
    expect(encodeTime(0)).toBe('0000000000');
    // The example of the ULID specification.
    expect(encodeTime(1469918176385)).toBe('01ARYZ6S41');
  });
});
