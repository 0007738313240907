import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { receiptSchedule } from '../../src/sandbox/receipts.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('receiptSchedule', () => {
  it('posts each receipt its own delay after the send', async () => {
    const app = Fastify();
    const posted: string[] = [];
    receiptSchedule(app).plan([
      { afterMs: 40, post: async () => posted.push('late') },
      { afterMs: 10, post: async () => posted.push('early') },
    ]);
    await vi.waitFor(() => expect(posted).toEqual(['early', 'late']));
    await app.close();
  });

  it('chained: each waits for the previous answer, and a failed post does not stop the rest', async () => {
    const app = Fastify();
    const posted: string[] = [];
    let answer = () => {};
    receiptSchedule(app).plan(
      [
        {
          afterMs: 5,
          post: async () => {
            posted.push('delivered');
            await new Promise<void>((r) => {
              answer = r;
            });
            throw new Error('gateway stopping');
          },
        },
        { afterMs: 1, post: async () => posted.push('read') },
      ],
      { chained: true },
    );
    await vi.waitFor(() => expect(posted).toEqual(['delivered']));
    await wait(20);
    expect(posted).toEqual(['delivered']);
    answer();
    await vi.waitFor(() => expect(posted).toEqual(['delivered', 'read']));
    await app.close();
  });

  it('drops what is still waiting when the emulator closes', async () => {
    const app = Fastify();
    const schedule = receiptSchedule(app);
    const posted: string[] = [];
    let answer: (() => void) | undefined;
    schedule.plan([{ afterMs: 1000, post: async () => posted.push('sent') }]);
    schedule.plan(
      [
        {
          afterMs: 1,
          post: () =>
            new Promise<void>((r) => {
              answer = r;
            }).then(() => posted.push('delivered')),
        },
        { afterMs: 1, post: async () => posted.push('read') },
      ],
      { chained: true },
    );
    await vi.waitFor(() => expect(answer).toBeDefined());
    await app.close();
    answer?.();
    await wait(30);
    // The post in flight at close finishes; nothing is scheduled after it.
    expect(posted).toEqual(['delivered']);
  });
});
