/**
 * Connections and transactions of the PostgreSQL backend. Every statement runs as a role without
 * BYPASSRLS:
 *
 * - `omnigate_app`, with the tenant in `omnigate.tenant_id`: row-level security then shows and
 *   accepts that tenant's rows only, whatever a query forgets to filter;
 * - `omnigate_router`, for the few port methods that are cross-tenant by design (a provider
 *   webhook naming an account, an API key naming its tenant, the queue and the callback outbox
 *   serving every tenant). Its grants are narrow (migrations.ts says which and why): mostly it can
 *   only learn which tenant an id belongs to, and the transaction then switches to that tenant.
 *
 * The role and tenant are session settings of each pooled connection, remembered here, and set
 * again only when a checkout wants a different scope than the connection last had: on one
 * tenant's traffic a single-statement read is then one round trip, not four (BEGIN and role,
 * read, COMMIT). Every checkout compares the connection's remembered scope with the one it wants
 * first, so no statement runs in a scope it did not ask for; a rolled-back transaction undoes
 * settings made in it, so the remembered scope is dropped then, and set again on the next checkout.
 *
 * Session settings and per-connection prepared statements need each checkout to keep one server
 * session: a pooler in front of PostgreSQL must run in session mode (PgBouncer `pool_mode =
 * session`), never transaction or statement mode, where a statement could run in another
 * client's scope.
 */
import pg from 'pg';
import { StoreUnavailableError } from '../../core/ports/unavailable.ts';

export const APP_ROLE = 'omnigate_app';
export const ROUTER_ROLE = 'omnigate_router';
/** The setting the row-level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'omnigate.tenant_id';

type Scope = { tenant: string } | 'router';

/** The scope a pooled connection's session is in, as a comparable key. */
const scopes = new WeakMap<pg.PoolClient, string>();
const keyOf = (scope: Scope) => (scope === 'router' ? 'router' : `tenant:${scope.tenant}`);

/** One simple-protocol statement that puts the session in `scope`; literals escaped by the driver. */
function scopeSql(client: pg.PoolClient, scope: Scope): string {
  const [role, tenant] = scope === 'router' ? [ROUTER_ROLE, ''] : [APP_ROLE, scope.tenant];
  return `SELECT set_config('role', '${role}', false), set_config('${TENANT_SETTING}', ${client.escapeLiteral(tenant)}, false)`;
}

/** Options of one statement. */
export interface QueryOptions {
  /**
   * Prepare the statement once per connection and reuse its plan. Only for hot statements whose
   * best plan does not depend on their parameters (key lookups, inserts): PostgreSQL may settle
   * on a generic plan, which for a range or a filter on a skewed column can be far worse.
   */
  prepare?: boolean;
}

export interface Tx {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<R[]>;
  /** What follows runs as this tenant (and sees only its rows). */
  asTenant(tenantId: string): Promise<void>;
  /** What follows runs as the router role (cross-tenant, narrow grants). */
  asRouter(): Promise<void>;
  /** Ends the transaction with a rollback instead of a commit; the work's result is still returned. */
  discard(): void;
}

/** Serialization failures and deadlocks are the database asking for the transaction again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * "cached plan must not change result type": a prepared statement whose result columns changed
 * under it (a migration added a column while this process ran). PostgreSQL keeps refusing it on
 * that connection, so the connection is closed, which drops its prepared statements, and the
 * work runs again on another. Recognised by the server function that raises it, which does not
 * depend on the server's language (lc_messages), and by its English text as a fallback.
 */
const isStalePlan = (error: unknown) =>
  codeOf(error) === '0A000' &&
  ((error as { routine?: string }).routine === 'RevalidateCachedQuery' ||
    /cached plan/.test((error as Error).message));
const MAX_TRIES = 3;

export class PgDatabase {
  /**
   * Every pooled connection may hold the stale plan, and each try closes one of them, so a stale
   * plan is tried once more than the pool has connections: the last try is on a fresh one.
   */
  private readonly staleTries: number;

  constructor(private readonly pool: pg.Pool) {
    this.staleTries = Math.max(MAX_TRIES, (pool.options.max ?? 10) + 1);
  }

  /** How many tries `error` allows in all: a stale plan gets one per pooled connection. */
  private triesFor(error: unknown): number {
    if (isStalePlan(error)) return this.staleTries;
    return RETRYABLE.has(codeOf(error) ?? '') ? MAX_TRIES : 1;
  }

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
        if (attempt >= this.triesFor(error)) throw unavailableIfLost(error);
      }
    }
  }

  /**
   * One statement in a tenant's scope, outside any transaction (a statement is atomic by itself):
   * for reads that need no consistent view across statements, and writes that are one statement.
   */
  async statement<R extends pg.QueryResultRow>(
    tenantId: string,
    sql: string,
    params: unknown[] = [],
    options: QueryOptions = {},
  ): Promise<R[]> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect().catch((error: unknown) => {
        throw unavailableIfLost(error);
      });
      try {
        const want = { tenant: tenantId };
        if (scopes.get(client) !== keyOf(want)) {
          scopes.delete(client);
          await client.query(scopeSql(client, want));
          scopes.set(client, keyOf(want));
        }
        const rows = (await client.query<R>(statement(sql, params, options))).rows;
        client.release();
        return rows;
      } catch (error) {
        // A failed statement outside a transaction leaves the session as it was, but a broken
        // connection, or one holding a stale prepared plan, must not go back to the pool.
        const stale = isStalePlan(error);
        client.release(stale || isConnectionError(error) ? (error as Error) : undefined);
        if (!stale || attempt >= this.staleTries) throw unavailableIfLost(error);
      }
    }
  }

  private async once<T>(initial: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let discarded = false;
    const switchTo = async (scope: Scope) => {
      if (scopes.get(client) === keyOf(scope)) return;
      scopes.delete(client);
      await client.query(scopeSql(client, scope));
      scopes.set(client, keyOf(scope));
    };
    const tx: Tx = {
      async query<R extends pg.QueryResultRow>(
        sql: string,
        params: unknown[] = [],
        options: QueryOptions = {},
      ) {
        return (await client.query<R>(statement(sql, params, options))).rows;
      },
      asTenant: (tenantId) => switchTo({ tenant: tenantId }),
      asRouter: () => switchTo('router'),
      discard: () => {
        discarded = true;
      },
    };
    try {
      // One round trip opens the transaction and, when the connection was last in another scope,
      // sets this one (a simple multi-statement query cannot carry parameters, hence the escaped
      // literal in scopeSql).
      const fresh = scopes.get(client) !== keyOf(initial);
      scopes.delete(client);
      await client.query(fresh ? `BEGIN; ${scopeSql(client, initial)}` : 'BEGIN');
      scopes.set(client, keyOf(initial));
      const result = await work(tx);
      if (discarded) scopes.delete(client);
      // A connection that breaks with the COMMIT in flight leaves it applied or not: callers that
      // would otherwise redo the work treat any lost connection as that (isConnectionError).
      const end = await client.query(discarded ? 'ROLLBACK' : 'COMMIT');
      // COMMIT of a transaction a failed statement aborted (its error caught inside `work`) is
      // answered with ROLLBACK, not an error: nothing was written, and the scope set in it is gone.
      // (The catch below then sends a ROLLBACK that only draws a warning.)
      if (end.command !== 'COMMIT' && !discarded) {
        throw new Error('the transaction was rolled back: a statement in it failed');
      }
      client.release();
      return result;
    } catch (error) {
      // Settings made in a rolled-back transaction are undone: forget the scope.
      scopes.delete(client);
      try {
        await client.query('ROLLBACK');
        client.release(isStalePlan(error) ? (error as Error) : undefined);
      } catch (rollbackError) {
        // The connection is unusable: take it out of the pool instead of handing it to someone else.
        client.release(rollbackError as Error);
      }
      throw error;
    }
  }

  /** Reads outside any tenant: schema bookkeeping only, never a tenant table. */
  async catalog<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw unavailableIfLost(error);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * PostgreSQL text cannot hold the NUL character. Requests are refused with it at the API
 * (http/refuse-nul.ts), so it can only come from a provider (an error text, an event field): stored
 * as U+FFFD rather than failing the write, which would leave a message that can never finish.
 */
const holdsNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) && v.some(holdsNul);
const withoutNul = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.replaceAll('\u0000', '\uFFFD')
    : Array.isArray(v) && v.some(holdsNul)
      ? v.map(withoutNul)
      : v;

/** Prepared statements' names, one per distinct text (see QueryOptions.prepare). */
const names = new Map<string, string>();

function statement(sql: string, raw: unknown[], { prepare }: QueryOptions): pg.QueryConfig {
  const values = raw.some(holdsNul) ? raw.map(withoutNul) : raw;
  if (!prepare) return { text: sql, values };
  let name = names.get(sql);
  if (!name) {
    name = `og_${names.size}`;
    names.set(sql, name);
  }
  return { name, text: sql, values };
}

const codeOf = (error: unknown) => (error as { code?: string }).code;

/** What node-postgres itself says when a connection breaks, closes or cannot be had in time. */
const LOST_CONNECTION = /Connection terminated|is not queryable|timeout exceeded when trying to connect/;

/**
 * Errors that say the connection itself is gone (or the server is going away), as opposed to one
 * statement's failure: a server error of class 08 or an administrator's shutdown, a socket error
 * (ECONNRESET, ECONNREFUSED, EPIPE…), or node-postgres's own words for a lost connection. Anything
 * else, a bug in building a statement included, is not: it must not pass for an outage. A
 * transaction that fails so may have been committed (its COMMIT unanswered); any other failure of
 * `tenant` or `router` means it was rolled back.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = codeOf(error);
  if (error instanceof pg.DatabaseError) {
    return code !== undefined && (code.startsWith('08') || /^57P0[123]$/.test(code));
  }
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return true;
  return error instanceof Error && LOST_CONNECTION.test(error.message);
}

/** A lost connection as the store port's own error, which the API answers with a 503; others as they are. */
const unavailableIfLost = (error: unknown) =>
  isConnectionError(error) && !(error instanceof StoreUnavailableError)
    ? new StoreUnavailableError(error)
    : error;

/** Long enough for a checkout queued behind a busy pool under load; short next to TCP's own. */
const CONNECT_TIMEOUT_MS = 30_000;

export function openPool(url: string, size: number): pg.Pool {
  // A server that cannot be reached fails a checkout after a bounded wait (a 503 to the client, a
  // job left queued) instead of holding the request until the operating system gives up on TCP.
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection the server drops (restart, failover) must not crash the process; the next
  // checkout opens a fresh one.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: the pool listens to idle connections only, and a connection that
  // breaks while checked out (a terminated backend, a reset socket) emits 'error' even when its
  // query has already failed with it. The work in progress learns of it from that failure (or
  // from its next query), and the pool drops the connection when it comes back unqueryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
