/**
 * How a claim is shared out, the same in both queues. Each queue lists the keys that have jobs
 * (lane, tenant, account) with a loose index scan over jobs_fair, a seek per key whatever the
 * number of jobs behind it, and counts each key's due jobs up to the claim's size; this decides
 * how many each key gives, and the queue then takes that many of each key, oldest-due first.
 *
 * The priority lane is served first. Within a lane the claim goes round robin, one job at a turn,
 * across tenants, and within a tenant across its accounts; where the last claim stopped is
 * remembered (per process), so a claim smaller than the number of tenants still reaches each in
 * turn. A million jobs of one account thus cost one key, and a single send of another tenant or
 * account is taken by the next claim.
 *
 * The callback outbox is claimed the same way (callbacks.ts of each store), by (lane, tenant) with
 * the account left empty: a callback has its message's lane, so one tenant's backlog of callbacks
 * holds up neither another tenant's nor its own single sends'.
 */
import type { ClaimOptions, QueueLane } from '../../core/ports/queue.ts';

/** The lane as stored: priority sorts first in the index, so it is scanned first. */
export const LANE_CODES: Readonly<Record<QueueLane, number>> = { priority: 0, bulk: 1 };

/** The stored lane of a batch's jobs (AcceptBatch.lane, and its default). */
export const laneCode = (batch: { lane?: QueueLane | undefined; recipients: readonly unknown[] }): number =>
  LANE_CODES[batch.lane ?? (batch.recipients.length === 1 ? 'priority' : 'bulk')];

/** A key with jobs, as the loose scan finds it: `runAt` is its oldest job's (ms since the epoch). */
export interface QueueKey {
  lane: number;
  tenantId: string;
  accountId: string;
  runAt: number;
}

/** How many jobs one key gives to this claim. */
export interface KeyShare {
  lane: number;
  tenantId: string;
  accountId: string;
  take: number;
}

/** Keys a claim could take from now: due, and of an account not capped at 0. */
export function claimable<K extends QueueKey>(keys: readonly K[], now: number, options?: ClaimOptions): K[] {
  const caps = options?.accountCaps;
  return keys.filter((k) => k.runAt <= now && (caps?.get(k.accountId) ?? 1) > 0);
}

/** The earliest a claim with `options` could take anything, in ms from `now`. */
export function nextDueIn(
  keys: readonly QueueKey[],
  now: number,
  options?: ClaimOptions,
): number | undefined {
  const caps = options?.accountCaps;
  let first: number | undefined;
  for (const k of keys) {
    if ((caps?.get(k.accountId) ?? 1) <= 0) continue;
    if (first === undefined || k.runAt < first) first = k.runAt;
  }
  return first === undefined ? undefined : Math.max(0, first - now);
}

/** The round robin's memory between claims: where each lane, and each tenant in it, stopped. */
export class FairShare {
  private readonly lastTenant = new Map<number, string>();
  private readonly lastAccount = new Map<string, string>();

  /**
   * Shares `limit` jobs out among keys whose due jobs are counted (`due`, at most `limit` each).
   * Keys must come in index order (lane, tenant, account), as the scan gives them.
   */
  share(keys: ReadonlyArray<QueueKey & { due: number }>, limit: number, options?: ClaimOptions): KeyShare[] {
    const caps = options?.accountCaps;
    const capLeft = new Map<string, number>();
    const shares: KeyShare[] = [];
    let remaining = limit;
    for (const lane of [...new Set(keys.map((k) => k.lane))].sort((a, b) => a - b)) {
      if (remaining <= 0) break;
      const tenants = this.tenantsOf(
        keys.filter((k) => k.lane === lane && k.due > 0),
        lane,
      );
      const slots = tenants.map((t) => t.accounts.map((k) => ({ key: k, take: 0 })));
      const next = tenants.map(() => 0);
      let progressed = true;
      while (remaining > 0 && progressed) {
        progressed = false;
        for (const [ti, tenant] of tenants.entries()) {
          if (remaining <= 0) break;
          const accounts = slots[ti]!;
          // The tenant's next account, from where its turn last stopped, that can still give one.
          for (let step = 0; step < accounts.length; step++) {
            const ai = (next[ti]! + step) % accounts.length;
            const slot = accounts[ai]!;
            const id = slot.key.accountId;
            const cap = capLeft.get(id) ?? caps?.get(id) ?? Number.POSITIVE_INFINITY;
            if (slot.take >= slot.key.due || cap <= 0) continue;
            slot.take += 1;
            capLeft.set(id, cap - 1);
            remaining -= 1;
            next[ti] = ai + 1;
            progressed = true;
            this.lastTenant.set(lane, tenant.id);
            this.lastAccount.set(`${lane}\u0000${tenant.id}`, id);
            break;
          }
        }
      }
      for (const s of slots.flat()) {
        if (s.take > 0)
          shares.push({ lane, tenantId: s.key.tenantId, accountId: s.key.accountId, take: s.take });
      }
    }
    return shares;
  }

  /** The lane's tenants, each with its accounts, both starting after where the last claim stopped. */
  private tenantsOf(
    keys: ReadonlyArray<QueueKey & { due: number }>,
    lane: number,
  ): Array<{ id: string; accounts: Array<QueueKey & { due: number }> }> {
    const byTenant = new Map<string, Array<QueueKey & { due: number }>>();
    for (const k of keys) {
      const list = byTenant.get(k.tenantId);
      if (list) list.push(k);
      else byTenant.set(k.tenantId, [k]);
    }
    const tenants = [...byTenant.entries()].map(([id, accounts]) => ({
      id,
      accounts: rotatedAfter(accounts, (k) => k.accountId, this.lastAccount.get(`${lane}\u0000${id}`)),
    }));
    return rotatedAfter(tenants, (t) => t.id, this.lastTenant.get(lane));
  }
}

/**
 * The list (sorted by `id`) starting at the first entry after `last`, wrapping round. Ids are
 * compared as the index orders them (bytewise: SQLite's BINARY, PostgreSQL's "C" collation).
 */
function rotatedAfter<T>(list: T[], id: (t: T) => string, last: string | undefined): T[] {
  if (last === undefined) return list;
  const at = list.findIndex((t) => id(t) > last);
  return at <= 0 ? list : [...list.slice(at), ...list.slice(0, at)];
}
