/**
 * Versioned schema migrations of the PostgreSQL backend. Each entry runs once, in order, in its
 * own transaction, and is recorded in schema_migrations. Never edit a released entry: add one.
 *
 * Two processes starting together (or `omnigate migrate` run twice) must not both apply an
 * entry, so every transaction first takes a transaction-level advisory lock and then reads what
 * is applied. Roles are cluster-wide while that lock is per database, so creating them tolerates
 * another database's migration creating them at the same moment.
 *
 * Text columns use the "C" collation: ids, ISO timestamps and names then compare and sort byte by
 * byte, as in SQLite, whatever the database's locale (cursor pagination relies on `id < $1`).
 */
import pg from 'pg';
import { APP_ROLE, ROUTER_ROLE, TENANT_SETTING } from './database.ts';

const TEXT = 'text COLLATE "C"';

/**
 * Row-level security for one tenant table: enabled and forced (so not even the table's owner
 * reads around it), and a policy that lets the app role see and write the current tenant's rows.
 */
const tenantIsolation = (table: string) => `
  ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
  CREATE POLICY tenant_isolation ON ${table} FOR ALL TO ${APP_ROLE}
    USING (tenant_id = current_setting('${TENANT_SETTING}', true))
    WITH CHECK (tenant_id = current_setting('${TENANT_SETTING}', true));
  GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE};
`;

/** Every table of version 1; each carries tenant_id (test/conformance/rls.test.ts checks). */
const TENANT_TABLES = [
  'tenants',
  'api_keys',
  'compat_credentials',
  'channel_accounts',
  'messages',
  'message_events',
  'jobs',
  'idempotency_keys',
  'inbound_events',
  'callback_deliveries',
  'webhook_endpoints',
  'contacts',
  'contact_identities',
  'conversations',
  'conversation_events',
  'templates',
  'consents',
  'frequency_caps',
  'links',
  'link_codes',
  'link_clicks',
];

/** Creates a role unless it exists, also when another database's migration creates it meanwhile. */
const createRole = (role: string) => `
  BEGIN
    CREATE ROLE ${role} NOLOGIN NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
`;

export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'schema',
    sql: `
      CREATE TABLE tenants (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL GENERATED ALWAYS AS (id) STORED,
        name ${TEXT} NOT NULL,
        callback_secret_enc ${TEXT},
        created_at ${TEXT} NOT NULL
      );
      CREATE TABLE api_keys (
        hash ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        prefix ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL
      );
      CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
      CREATE TABLE compat_credentials (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        vendor ${TEXT} NOT NULL,
        principal ${TEXT} NOT NULL,
        credential_hash ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        UNIQUE (vendor, credential_hash)
      );
      CREATE INDEX compat_credentials_by_tenant ON compat_credentials (tenant_id, created_at);
      CREATE TABLE channel_accounts (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        channel ${TEXT} NOT NULL,
        name ${TEXT} NOT NULL,
        sandbox boolean NOT NULL,
        credentials_enc ${TEXT} NOT NULL,
        limits ${TEXT},
        created_at ${TEXT} NOT NULL
      );
      CREATE INDEX channel_accounts_by_channel ON channel_accounts (tenant_id, channel, created_at);

      -- JSON is kept as text, not jsonb: a stored provider request must come back byte for byte
      -- (jsonb reorders keys), and every value is parsed in the application anyway.
      CREATE TABLE messages (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL,
        channel ${TEXT} NOT NULL,
        channel_account_id ${TEXT} NOT NULL,
        recipient ${TEXT} NOT NULL,
        content ${TEXT} NOT NULL,
        request ${TEXT} NOT NULL,
        degradations ${TEXT},
        choices ${TEXT},
        status ${TEXT} NOT NULL,
        status_reason ${TEXT},
        provider_message_id ${TEXT},
        attempts integer NOT NULL DEFAULT 0,
        seq integer NOT NULL,
        correlation_id ${TEXT},
        callback_url ${TEXT},
        callback_data ${TEXT},
        callback_format ${TEXT},
        expires_at ${TEXT},
        contact_id ${TEXT},
        forced boolean NOT NULL DEFAULT false,
        template ${TEXT},
        policy ${TEXT},
        policy_group ${TEXT},
        created_at ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL
      );
      CREATE INDEX messages_by_tenant ON messages (tenant_id, id);
      CREATE INDEX messages_by_status ON messages (tenant_id, status, id);
      CREATE INDEX messages_by_correlation ON messages (tenant_id, correlation_id) WHERE correlation_id IS NOT NULL;
      CREATE INDEX messages_by_provider_id ON messages (channel_account_id, provider_message_id)
        WHERE provider_message_id IS NOT NULL;
      CREATE INDEX messages_by_recipient ON messages (channel_account_id, recipient, id);
      CREATE INDEX messages_by_contact_group ON messages (tenant_id, contact_id, policy_group, created_at)
        WHERE policy_group IS NOT NULL;
      CREATE TABLE message_events (
        message_id ${TEXT} NOT NULL,
        seq integer NOT NULL,
        tenant_id ${TEXT} NOT NULL,
        status ${TEXT} NOT NULL,
        at ${TEXT} NOT NULL,
        reason ${TEXT},
        code ${TEXT},
        detail ${TEXT},
        PRIMARY KEY (message_id, seq)
      );

      -- The dispatch queue, written in the accept transaction. Kept plain so that a relay can
      -- read it as an outbox: one row per message waiting to be (re)tried.
      CREATE TABLE jobs (
        message_id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL,
        channel_account_id ${TEXT} NOT NULL,
        run_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        in_flight boolean NOT NULL DEFAULT false,
        interrupted boolean NOT NULL DEFAULT false,
        last_error ${TEXT}
      );
      CREATE INDEX jobs_due ON jobs (run_at);
      CREATE TABLE idempotency_keys (
        tenant_id ${TEXT} NOT NULL,
        key ${TEXT} NOT NULL,
        fingerprint ${TEXT} NOT NULL,
        status_code integer NOT NULL,
        response ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE TABLE inbound_events (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL,
        channel_account_id ${TEXT} NOT NULL,
        provider_event_id ${TEXT},
        kind ${TEXT} NOT NULL,
        sender ${TEXT},
        event ${TEXT} NOT NULL,
        received_at ${TEXT} NOT NULL,
        reply_token ${TEXT}
      );
      CREATE UNIQUE INDEX inbound_dedupe ON inbound_events (channel_account_id, provider_event_id)
        WHERE provider_event_id IS NOT NULL;
      CREATE INDEX inbound_by_tenant ON inbound_events (tenant_id, id);
      CREATE INDEX inbound_by_account ON inbound_events (tenant_id, channel_account_id, id);
      CREATE INDEX inbound_by_reply_token ON inbound_events (channel_account_id, reply_token)
        WHERE reply_token IS NOT NULL;
      CREATE TABLE callback_deliveries (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL,
        message_id ${TEXT} NOT NULL,
        endpoint_id ${TEXT},
        event_id ${TEXT},
        url ${TEXT} NOT NULL,
        payload ${TEXT} NOT NULL,
        state ${TEXT} NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed boolean NOT NULL DEFAULT false,
        next_at timestamptz NOT NULL,
        last_status integer,
        last_error ${TEXT},
        created_at ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL
      );
      CREATE INDEX callback_due ON callback_deliveries (next_at) WHERE state = 'pending';
      CREATE INDEX callback_by_message ON callback_deliveries (tenant_id, message_id);
      CREATE INDEX callback_by_endpoint ON callback_deliveries (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
      CREATE TABLE webhook_endpoints (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        url ${TEXT} NOT NULL,
        description ${TEXT},
        events ${TEXT} NOT NULL,
        secrets_enc ${TEXT} NOT NULL,
        state ${TEXT} NOT NULL,
        disabled_reason ${TEXT},
        created_at ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL
      );
      CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id, id);

      CREATE TABLE contacts (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        name ${TEXT},
        attributes ${TEXT},
        locale ${TEXT},
        time_zone ${TEXT},
        created_at ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL
      );
      CREATE INDEX contacts_by_tenant ON contacts (tenant_id, id);
      CREATE TABLE contact_identities (
        tenant_id ${TEXT} NOT NULL,
        channel ${TEXT} NOT NULL,
        channel_account_id ${TEXT} NOT NULL,
        address ${TEXT} NOT NULL,
        contact_id ${TEXT} NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        created_at ${TEXT} NOT NULL,
        PRIMARY KEY (tenant_id, channel, channel_account_id, address)
      );
      CREATE INDEX identities_by_contact ON contact_identities (contact_id);
      CREATE TABLE conversations (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        contact_id ${TEXT} NOT NULL,
        channel ${TEXT} NOT NULL,
        channel_account_id ${TEXT} NOT NULL,
        address ${TEXT} NOT NULL,
        state ${TEXT} NOT NULL,
        owner ${TEXT},
        agent_id ${TEXT},
        last_inbound_at ${TEXT},
        seq integer NOT NULL,
        created_at ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL
      );
      CREATE UNIQUE INDEX conversations_open ON conversations (tenant_id, channel_account_id, address)
        WHERE state = 'open';
      CREATE INDEX conversations_by_tenant ON conversations (tenant_id, id);
      CREATE INDEX conversations_by_address ON conversations (tenant_id, channel_account_id, address);
      CREATE TABLE conversation_events (
        conversation_id ${TEXT} NOT NULL,
        seq integer NOT NULL,
        tenant_id ${TEXT} NOT NULL,
        type ${TEXT} NOT NULL,
        at ${TEXT} NOT NULL,
        detail ${TEXT},
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE TABLE templates (
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        name ${TEXT} NOT NULL,
        version integer NOT NULL,
        description ${TEXT},
        parameters ${TEXT} NOT NULL,
        variants ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        PRIMARY KEY (tenant_id, name, version)
      );
      CREATE TABLE consents (
        tenant_id ${TEXT} NOT NULL,
        contact_id ${TEXT} NOT NULL,
        channel ${TEXT} NOT NULL,
        purpose ${TEXT} NOT NULL,
        status ${TEXT} NOT NULL,
        source ${TEXT} NOT NULL,
        updated_at ${TEXT} NOT NULL,
        PRIMARY KEY (tenant_id, contact_id, channel, purpose)
      );
      CREATE TABLE frequency_caps (
        tenant_id ${TEXT} NOT NULL,
        grp ${TEXT} NOT NULL,
        per_day integer,
        per_week integer,
        per_month integer,
        PRIMARY KEY (tenant_id, grp)
      );
      CREATE TABLE links (
        id ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        url ${TEXT} NOT NULL,
        name ${TEXT},
        created_at ${TEXT} NOT NULL
      );
      CREATE INDEX links_by_tenant ON links (tenant_id, id);
      CREATE TABLE link_codes (
        code ${TEXT} PRIMARY KEY,
        tenant_id ${TEXT} NOT NULL,
        link_id ${TEXT} NOT NULL,
        message_id ${TEXT} NOT NULL,
        recipient ${TEXT} NOT NULL,
        url ${TEXT} NOT NULL,
        expires_at ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL
      );
      CREATE TABLE link_clicks (
        code ${TEXT} NOT NULL,
        tenant_id ${TEXT} NOT NULL,
        link_id ${TEXT} NOT NULL,
        message_id ${TEXT} NOT NULL,
        recipient ${TEXT} NOT NULL,
        at ${TEXT} NOT NULL,
        user_agent ${TEXT}
      );
      CREATE INDEX link_clicks_by_link ON link_clicks (tenant_id, link_id, at);
    `,
  },
  {
    version: 2,
    name: 'row-level security',
    sql: `
      DO $$
      BEGIN
        ${createRole(APP_ROLE)}
        ${createRole(ROUTER_ROLE)}
        -- Whoever migrates (and runs the gateway with the same URL) must be able to SET ROLE to
        -- both; a superuser always can, anyone else needs the membership.
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          BEGIN
            EXECUTE format('GRANT ${APP_ROLE}, ${ROUTER_ROLE} TO %I', current_user);
          EXCEPTION WHEN unique_violation THEN NULL;
          END;
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${APP_ROLE}, ${ROUTER_ROLE}', current_schema());
      END $$;

      ${TENANT_TABLES.map(tenantIsolation).join('')}

      -- The router role serves the port methods that are cross-tenant by design. It gets no row
      -- of tenant data beyond what each of them must read across tenants.

      -- An API key, a vendor credential, a provider webhook's account id, a short link's code
      -- and an endpoint a receiver answered 410 for each name a tenant before any tenant is
      -- known: the router may read which tenant that is (those columns only); the transaction
      -- then continues in that tenant's context.
      GRANT SELECT (hash, tenant_id) ON api_keys TO ${ROUTER_ROLE};
      CREATE POLICY router_lookup ON api_keys FOR SELECT TO ${ROUTER_ROLE} USING (true);
      GRANT SELECT (vendor, credential_hash, tenant_id) ON compat_credentials TO ${ROUTER_ROLE};
      CREATE POLICY router_lookup ON compat_credentials FOR SELECT TO ${ROUTER_ROLE} USING (true);
      GRANT SELECT (id, tenant_id) ON channel_accounts TO ${ROUTER_ROLE};
      CREATE POLICY router_lookup ON channel_accounts FOR SELECT TO ${ROUTER_ROLE} USING (true);
      GRANT SELECT (code, tenant_id) ON link_codes TO ${ROUTER_ROLE};
      CREATE POLICY router_lookup ON link_codes FOR SELECT TO ${ROUTER_ROLE} USING (true);
      GRANT SELECT (id, tenant_id) ON webhook_endpoints TO ${ROUTER_ROLE};
      CREATE POLICY router_lookup ON webhook_endpoints FOR SELECT TO ${ROUTER_ROLE} USING (true);

      -- Workers claim every tenant's jobs. A job row holds ids, counters and the last error,
      -- no message content; the router may not insert one (only an accept or a redrive does).
      GRANT SELECT, UPDATE, DELETE ON jobs TO ${ROUTER_ROLE};
      CREATE POLICY router_queue ON jobs FOR ALL TO ${ROUTER_ROLE} USING (true) WITH CHECK (true);

      -- The notifier leases every tenant's callbacks and records outcomes: the lease and outcome
      -- columns only. The url and payload it delivers are read in the tenant's own context.
      GRANT SELECT (id, tenant_id, message_id, endpoint_id, event_id, state, attempts, claimed, next_at),
        UPDATE (state, attempts, claimed, next_at, last_status, last_error, updated_at)
        ON callback_deliveries TO ${ROUTER_ROLE};
      CREATE POLICY router_outbox ON callback_deliveries FOR ALL TO ${ROUTER_ROLE} USING (true) WITH CHECK (true);
    `,
  },
  {
    version: 3,
    name: 'webhook nonces',
    sql: `
      -- Nonces of signed provider webhooks (WeChat) seen within the replay window, per account.
      CREATE TABLE inbound_nonces (
        tenant_id ${TEXT} NOT NULL REFERENCES tenants(id),
        channel_account_id ${TEXT} NOT NULL,
        nonce ${TEXT} NOT NULL,
        expires_at ${TEXT} NOT NULL,
        PRIMARY KEY (channel_account_id, nonce)
      );
      CREATE INDEX inbound_nonces_by_expiry ON inbound_nonces (tenant_id, channel_account_id, expires_at);
      ${tenantIsolation('inbound_nonces')}
    `,
  },
  {
    version: 4,
    name: 'maybe-sent accounting',
    sql: `
      ALTER TABLE messages ADD COLUMN maybe_sent_resends integer NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN written boolean NOT NULL DEFAULT false;
      -- A claim in flight at the upgrade may have written its request: treat it as written.
      UPDATE jobs SET written = in_flight;
    `,
  },
  {
    version: 5,
    name: 'channel account app ids',
    sql: `
      -- The id a vendor's client names an account by (Webex Connect's appid), set by the tenant.
      ALTER TABLE channel_accounts ADD COLUMN app_id ${TEXT};
      CREATE UNIQUE INDEX channel_accounts_by_app_id ON channel_accounts (tenant_id, channel, app_id)
        WHERE app_id IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'callback events per send',
    sql: `
      -- The events a send's callbackUrl is told of, as bits (core/vocabulary/callback-events.ts);
      -- NULL, as on every message stored before, tells it of all.
      ALTER TABLE messages ADD COLUMN callback_events integer;
    `,
  },
  {
    version: 7,
    name: 'fair dispatch queue',
    sql: `
      -- 0: priority (single and transactional sends), 1: bulk (batches). Jobs queued before this
      -- version wait in the bulk lane.
      ALTER TABLE jobs ADD COLUMN lane smallint NOT NULL DEFAULT 1;
      -- A claim walks the keys (lane, tenant, account) with a loose scan of this index and takes
      -- each key's jobs oldest-due first from it (queue.ts).
      CREATE INDEX jobs_fair ON jobs (lane, tenant_id, channel_account_id, run_at);
    `,
  },
  {
    version: 8,
    name: 'fair callback outbox',
    sql: `
      -- The message's lane, kept for the callbacks of its later events (delivered, read, clicked),
      -- which come after its job has gone. Messages and callbacks from before wait as bulk.
      ALTER TABLE messages ADD COLUMN lane smallint NOT NULL DEFAULT 1;
      ALTER TABLE callback_deliveries ADD COLUMN lane smallint NOT NULL DEFAULT 1;
      -- A claim walks the keys (lane, tenant) with a loose scan of this index and takes each
      -- key's callbacks oldest-due first (callbacks.ts), so one tenant's backlog of callbacks
      -- does not hold up another's, nor a single send's its own tenant's batches'.
      CREATE INDEX callback_fair ON callback_deliveries (lane, tenant_id, next_at) WHERE state = 'pending';
      -- It serves every claim callback_due served.
      DROP INDEX callback_due;
      -- The notifier (router role) reads the lane to share its claims.
      GRANT SELECT (lane) ON callback_deliveries TO ${ROUTER_ROLE};
    `,
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** The advisory lock (two-key form, its own key space) that serialises migrations of a database. */
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('omnigate'), hashtext('migrations'))`;

/**
 * Applies the migrations a database lacks; returns the versions applied. Safe to run from several
 * processes at once: each entry is applied by exactly one of them.
 */
export async function migratePostgres(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: number[] = [];
  try {
    for (const m of MIGRATIONS) {
      await client.query('BEGIN');
      try {
        await client.query(LOCK);
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
        );
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
        if (done.rowCount === 0) {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
            [m.version, m.name],
          );
          applied.push(m.version);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.end();
  }
  return applied;
}
