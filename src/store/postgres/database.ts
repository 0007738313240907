/**
 * Connections and transactions of the PostgreSQL backend. Every statement runs inside a
 * transaction that has first taken a role without BYPASSRLS:
 *
 * - `omnigate_app`, with the tenant in `omnigate.tenant_id`: row-level security then shows and
 *   accepts that tenant's rows only, whatever a query forgets to filter;
 * - `omnigate_router`, for the few port methods that are cross-tenant by design (a provider
 *   webhook naming an account, an API key naming its tenant, the queue and the callback outbox
 *   serving every tenant). Its grants are narrow (migrations.ts says which and why): mostly it can
 *   only learn which tenant an id belongs to, and the transaction then switches to that tenant.
 *
 * Both settings are transaction-local, so a connection goes back to the pool with neither.
 */
import pg from 'pg';

export const APP_ROLE = 'omnigate_app';
export const ROUTER_ROLE = 'omnigate_router';
/** The setting the row-level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'omnigate.tenant_id';

type Scope = { tenant: string } | 'router';

export interface Tx {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** What follows runs as this tenant (and sees only its rows). */
  asTenant(tenantId: string): Promise<void>;
  /** What follows runs as the router role (cross-tenant, narrow grants). */
  asRouter(): Promise<void>;
  /** Ends the transaction with a rollback instead of a commit; the work's result is still returned. */
  discard(): void;
}

/** Serialization failures and deadlocks are the database asking for the transaction again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_TRIES = 3;

export class PgDatabase {
  constructor(private readonly pool: pg.Pool) {}

  /** A transaction in one tenant's row-level security context. */
  tenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction({ tenant: tenantId }, work);
  }

  /** A transaction for a cross-tenant port method; it may switch to a tenant once it knows which. */
  router<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('router', work);
  }

  private async transaction<T>(initial: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(initial, work);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= MAX_TRIES || code === undefined || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  private async once<T>(initial: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let current: Scope = initial;
    let discarded = false;
    const same = (a: Scope, b: Scope) =>
      a === 'router' ? b === 'router' : b !== 'router' && a.tenant === b.tenant;
    const switchTo = async (scope: Scope) => {
      if (same(current, scope)) return;
      await client.query('SELECT set_config($1, $2, true), set_config($3, $4, true)', [
        'role',
        scope === 'router' ? ROUTER_ROLE : APP_ROLE,
        TENANT_SETTING,
        scope === 'router' ? '' : scope.tenant,
      ]);
      current = scope;
    };
    const tx: Tx = {
      async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
        return (await client.query<R>(sql, params)).rows;
      },
      asTenant: (tenantId) => switchTo({ tenant: tenantId }),
      asRouter: () => switchTo('router'),
      discard: () => {
        discarded = true;
      },
    };
    try {
      // One round trip opens the transaction and takes its role; the tenant id goes in as an
      // escaped literal because a simple multi-statement query cannot carry parameters.
      await client.query(
        initial === 'router'
          ? `BEGIN; SET LOCAL ROLE ${ROUTER_ROLE}`
          : `BEGIN; SET LOCAL ROLE ${APP_ROLE}; SELECT set_config('${TENANT_SETTING}', ${client.escapeLiteral(initial.tenant)}, true)`,
      );
      const result = await work(tx);
      await client.query(discarded ? 'ROLLBACK' : 'COMMIT');
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        // The connection is unusable: take it out of the pool instead of handing it to someone else.
        client.release(rollbackError as Error);
      }
      throw error;
    }
  }

  /** Reads outside any tenant: schema bookkeeping only, never a tenant table. */
  async catalog<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export function openPool(url: string, size: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size });
  // An idle connection the server drops (restart, failover) must not crash the process; the next
  // checkout opens a fresh one.
  pool.on('error', () => undefined);
  return pool;
}
