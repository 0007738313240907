/**
 * The shape shared by the dispatcher and the callback notifier: a loop that claims work from the
 * store, runs each item in its own slot, and sleeps when there is nothing to do until a timeout,
 * kick() or a finished item wakes it. stop() ends the loop and waits for the slots to finish.
 */
export abstract class PollingWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly slots = new Set<Promise<void>>();

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New work may be due now. */
  kick(): void {
    this.wakeUp?.();
  }

  get isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    await Promise.allSettled([...this.slots]);
  }

  /** The loop body; runs while `isRunning`. */
  protected abstract run(): Promise<void>;

  /** Items in their slots now. */
  protected get busy(): number {
    return this.slots.size;
  }

  /** Runs one item in a slot of its own; its end wakes the loop, so a freed slot is refilled. */
  protected occupy(work: Promise<void>): void {
    const slot: Promise<void> = work.finally(() => {
      this.slots.delete(slot);
      this.wakeUp?.();
    });
    this.slots.add(slot);
  }

  /** Sleeps up to `ms`, or until kick() or a finished item wakes the loop. */
  protected sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(ms, 1));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}
