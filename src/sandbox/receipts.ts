/**
 * The receipts an emulator posts to the gateway a short while after it took a message (sent,
 * delivered, read, failed), declared per message as a list of (delay, post). Whatever is still
 * waiting when the emulator closes is dropped, so no timer outlives it, and none keeps a process
 * alive. Chaos mode reaches receipts where they are posted (./post-webhook.ts: duplicates, and
 * delays that let them overtake each other).
 */
import type { FastifyInstance } from 'fastify';

export interface PlannedReceipt {
  /** After the send; for a chained list, after the previous receipt was answered. */
  afterMs: number;
  /** Posts the receipt, built when it is due (so its timestamp is then). */
  post: () => Promise<unknown>;
}

export interface ReceiptSchedule {
  /**
   * `chained`: each receipt waits for the previous one's answer before its delay starts, so none
   * overtakes another (Meta reports a delivery before the read). Otherwise each has its own timer.
   */
  plan(receipts: readonly PlannedReceipt[], options?: { chained?: boolean }): void;
}

/** The schedule of one mounted emulator; its timers end when `app` closes. */
export function receiptSchedule(app: FastifyInstance): ReceiptSchedule {
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  app.addHook('onClose', async () => {
    closed = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });

  const later = (afterMs: number, run: () => Promise<void>) => {
    if (closed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      void run();
    }, afterMs);
    t.unref();
    timers.add(t);
  };

  // A receipt the gateway cannot take is lost, as the provider's would be after its retries.
  const post = async (receipt: PlannedReceipt) => {
    try {
      await receipt.post();
    } catch {
      // The gateway may be stopping; the sandbox lets it go.
    }
  };

  return {
    plan(receipts, { chained = false } = {}) {
      if (!chained) {
        for (const r of receipts) later(r.afterMs, () => post(r));
        return;
      }
      const next = ([r, ...rest]: readonly PlannedReceipt[]) => {
        if (r === undefined) return;
        later(r.afterMs, async () => {
          await post(r);
          next(rest);
        });
      };
      next(receipts);
    },
  };
}
