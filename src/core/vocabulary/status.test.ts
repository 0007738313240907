import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isForward, isTerminal, MESSAGE_STATUSES, type MessageStatus } from './status.ts';

describe('status machine', () => {
  it('moves along the happy path', () => {
    const path = ['accepted', 'queued', 'sending', 'sent', 'delivered', 'read'] as const;
    for (let i = 1; i < path.length; i++) expect(isForward(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('never moves back, never leaves a terminal state, never fails a delivered message', () => {
    expect(isForward('delivered', 'sent')).toBe(false);
    expect(isForward('read', 'delivered')).toBe(false);
    expect(isForward('failed', 'sent')).toBe(false);
    expect(isForward('delivered', 'failed')).toBe(false);
    expect(isForward('sent', 'failed')).toBe(true);
    expect(isForward('sent', 'sent')).toBe(false);
  });

  it('any sequence of reported statuses ends in a state no later report can regress', () => {
    const status = fc.constantFrom(...MESSAGE_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), (reports) => {
        let current: MessageStatus = 'accepted';
        const seen: MessageStatus[] = [current];
        for (const r of reports) {
          if (!isForward(current, r)) continue;
          current = r;
          seen.push(r);
        }
        // Each applied step went strictly forward: no status appears twice.
        expect(new Set(seen).size).toBe(seen.length);
        if (isTerminal(current)) for (const s of MESSAGE_STATUSES) expect(isForward(current, s)).toBe(false);
      }),
    );
  });
});
