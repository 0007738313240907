/**
 * The PostgreSQL backend of the scale-out mode: records, the callback outbox and (for now) the
 * dispatch queue in one database, so accepting and enqueuing are one transaction here too. Any
 * number of processes may share the database; tenant isolation is enforced by row-level security
 * (database.ts, migrations.ts) on top of the repositories' own tenant filters.
 */
import type { CallbackPayloads } from '../../core/callbacks.ts';
import type { JobQueue } from '../../core/ports/queue.ts';
import type { Store } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { createCallbackRepository } from './callbacks.ts';
import { createChannelAccountRepository } from './channel-accounts.ts';
import { createContactRepository } from './contacts.ts';
import { createConversationRepository } from './conversations.ts';
import { APP_ROLE, openPool, PgDatabase, ROUTER_ROLE } from './database.ts';
import { createInboundRepository } from './inbound.ts';
import { createLinkRepository } from './links.ts';
import { createMessageRepository } from './messages.ts';
import { LATEST_VERSION, migratePostgres } from './migrations.ts';
import { createPolicyRepository } from './policy.ts';
import { createPostgresQueue } from './queue.ts';
import { createTemplateRepository } from './templates.ts';
import { createTenantRepository } from './tenants.ts';
import { createWebhookRepository } from './webhooks.ts';

export { migratePostgres } from './migrations.ts';

export interface PostgresBackendOptions {
  /** postgres://user@host:port/database; the user must be able to SET ROLE omnigate_app and omnigate_router. */
  url: string;
  secrets: SecretBox;
  /** Builds the callback bodies the store queues with each status change (runtime.ts composes it). */
  callbackPayloads: CallbackPayloads;
  /** Connections this process keeps open (default 10). */
  poolSize?: number;
  /** Apply pending migrations first; otherwise the schema must already be current (`omnigate migrate`). */
  migrate?: boolean;
  /**
   * This process is the only one using the database. Only then do `queue.releaseLeases` and
   * `callbacks.releaseLeases` release anything; with several processes they do nothing and leases
   * of a dead process run out by themselves (see PostgresQueueOptions).
   */
  singleProcess?: boolean;
}

export async function createPostgresBackend(
  options: PostgresBackendOptions,
): Promise<{ store: Store; queue: JobQueue }> {
  if (options.migrate) await migratePostgres(options.url);
  const db = new PgDatabase(openPool(options.url, options.poolSize ?? 10));
  try {
    await checkDatabase(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const singleProcess = options.singleProcess ?? false;
  const messages = createMessageRepository(db, options.callbackPayloads);
  const store: Store = {
    tenants: createTenantRepository(db, options.secrets),
    channelAccounts: createChannelAccountRepository(db, options.secrets),
    messages,
    inbound: createInboundRepository(db),
    callbacks: createCallbackRepository(db, { singleProcess }),
    webhooks: createWebhookRepository(db, options.secrets),
    contacts: createContactRepository(db),
    conversations: createConversationRepository(db),
    templates: createTemplateRepository(db),
    policy: createPolicyRepository(db),
    links: createLinkRepository(db, messages.recordClicked),
    async ping() {
      try {
        return (await db.catalog('SELECT 1 AS ok')).length === 1;
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
  return { store, queue: createPostgresQueue(db, { singleProcess }) };
}

/**
 * Refuses to run on a schema this build does not know, or with roles that would let a query read
 * around row-level security (a role altered to BYPASSRLS or superuser after the migration made it).
 */
async function checkDatabase(db: PgDatabase): Promise<void> {
  const [bookkept] = await db.catalog<{ table: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS table",
  );
  const [schema] = bookkept?.table
    ? await db.catalog<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')
    : [];
  const version = schema?.version ?? 0;
  if (version !== LATEST_VERSION) {
    throw new Error(
      `The PostgreSQL schema is at version ${version}, this build needs ${LATEST_VERSION}: run \`omnigate migrate\``,
    );
  }
  const roles = await db.catalog<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>(
    'SELECT rolname, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = ANY($1::text[])',
    [[APP_ROLE, ROUTER_ROLE]],
  );
  for (const role of [APP_ROLE, ROUTER_ROLE]) {
    const found = roles.find((r) => r.rolname === role);
    if (!found) throw new Error(`PostgreSQL role ${role} is missing: run \`omnigate migrate\``);
    if (found.rolbypassrls || found.rolsuper) {
      throw new Error(
        `PostgreSQL role ${role} bypasses row-level security; it must be NOSUPERUSER NOBYPASSRLS`,
      );
    }
  }
}
