import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WriteTurns } from './write-turns.ts';

const settledWithin = async (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('write turns', () => {
  it('takes a free turn at once and hands it to the side waiting when it ends', async () => {
    const buffer = WriteTurns.newBuffer();
    const api = new WriteTurns(buffer, 1);
    const thread = new WriteTurns(buffer, 2);
    expect(api.take()).toBeUndefined();
    const waiting = thread.take();
    expect(waiting).toBeInstanceOf(Promise);
    expect(await settledWithin(waiting!, 20)).toBe(false);
    api.done();
    expect(await settledWithin(waiting!, 1_000)).toBe(true);
    // Handed over: the side that just ended cannot take the next turn before the waiter's ends.
    const again = api.take();
    expect(again).toBeInstanceOf(Promise);
    expect(await settledWithin(again!, 20)).toBe(false);
    thread.done();
    expect(await settledWithin(again!, 1_000)).toBe(true);
    api.done();
    expect(thread.take()).toBeUndefined();
  });

  it('frees the turn of a side that went away while holding it', async () => {
    const buffer = WriteTurns.newBuffer();
    const api = new WriteTurns(buffer, 1);
    const thread = new WriteTurns(buffer, 2);
    expect(thread.take()).toBeUndefined();
    const waiting = api.take()!;
    thread.releaseGone(2);
    expect(await settledWithin(waiting, 1_000)).toBe(true);
  });

  it('never lets two threads hold the turn at once', async () => {
    // Each side adds to a shared counter in two steps with a wait between, inside its turn: any
    // overlap would lose an increment.
    const buffer = WriteTurns.newBuffer();
    const counter = new SharedArrayBuffer(4);
    const rounds = 300;
    // The worker runs the class itself, through tsx as the dispatch thread does in development.
    const turns = new URL('./write-turns.ts', import.meta.url).href;
    const body = `
      const { workerData, parentPort } = require('node:worker_threads');
      import('tsx/esm/api').then(async (tsx) => {
        tsx.register();
        const { WriteTurns } = await import(${JSON.stringify(turns)});
        const side = new WriteTurns(workerData.buffer, 2);
        const count = new Int32Array(workerData.counter);
        // Both sides start together, or one could finish before the other began.
        await new Promise((go) => { parentPort.once('message', go); parentPort.postMessage('ready'); });
        for (let i = 0; i < ${rounds}; i++) {
          await side.take();
          const v = Atomics.load(count, 0);
          await new Promise((r) => setImmediate(r));
          Atomics.store(count, 0, v + 1);
          side.done();
        }
        parentPort.postMessage('done');
      });
    `;
    const worker = new Worker(body, { eval: true, workerData: { buffer, counter } });
    await new Promise((ready) => worker.once('message', ready));
    const finished = new Promise((r) => worker.once('message', r));
    worker.postMessage('go');
    const api = new WriteTurns(buffer, 1);
    const count = new Int32Array(counter);
    for (let i = 0; i < rounds; i++) {
      await api.take();
      const v = Atomics.load(count, 0);
      await new Promise((r) => setImmediate(r));
      Atomics.store(count, 0, v + 1);
      api.done();
    }
    await finished;
    await worker.terminate();
    expect(Atomics.load(count, 0)).toBe(2 * rounds);
  });
});
