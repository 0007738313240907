/**
 * Calls made while a write is under way go together in the next one: a caller that writes one
 * item at a time (the dispatcher marking each message just before its request) costs one write per
 * turn, not one per item. Results come back to each caller in its own order.
 */
export function coalesced<I, R>(write: (items: I[]) => Promise<R[]>): (items: I[]) => Promise<R[]> {
  let pending: Array<{ items: I[]; resolve(r: R[]): void; reject(e: unknown): void }> = [];
  let writing = false;
  const drain = async () => {
    while (pending.length > 0) {
      const calls = pending;
      pending = [];
      try {
        const results = await write(calls.flatMap((c) => c.items));
        let offset = 0;
        for (const c of calls) {
          c.resolve(results.slice(offset, offset + c.items.length));
          offset += c.items.length;
        }
      } catch (error) {
        for (const c of calls) c.reject(error);
      }
    }
    writing = false;
  };
  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      pending.push({ items, resolve, reject });
      if (writing) return;
      writing = true;
      setImmediate(() => void drain());
    });
}
