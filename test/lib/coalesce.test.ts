import { describe, expect, it } from 'vitest';
import { coalesced } from '../../src/lib/coalesce.ts';

/** A write that resolves when the test says, recording the items of each call. */
function controlledWrite() {
  const calls: number[][] = [];
  const gates: Array<{ resolve(): void; reject(e: Error): void }> = [];
  const write = (items: number[]) => {
    calls.push(items);
    return new Promise<string[]>((resolve, reject) => {
      gates.push({ resolve: () => resolve(items.map((i) => `r${i}`)), reject });
    });
  };
  return { calls, gates, write };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('coalesced', () => {
  it('writes the calls of one turn together, and those made during a write in the next', async () => {
    const { calls, gates, write } = controlledWrite();
    const begin = coalesced(write);
    const a = begin([1]);
    const b = begin([2, 3]);
    await turn();
    expect(calls).toEqual([[1, 2, 3]]);
    const c = begin([4]);
    const d = begin([5]);
    await turn();
    expect(calls).toHaveLength(1);
    gates[0]!.resolve();
    expect(await a).toEqual(['r1']);
    expect(await b).toEqual(['r2', 'r3']);
    await turn();
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    gates[1]!.resolve();
    expect([await c, await d]).toEqual([['r4'], ['r5']]);
  });

  it('rejects only the callers of a write that failed, and writes again after it', async () => {
    const { calls, gates, write } = controlledWrite();
    const begin = coalesced(write);
    const failed = begin([1]);
    await turn();
    const later = begin([2]);
    gates[0]!.reject(new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    await turn();
    expect(calls).toEqual([[1], [2]]);
    gates[1]!.resolve();
    expect(await later).toEqual(['r2']);
  });
});
