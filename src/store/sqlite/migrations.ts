/**
 * Versioned schema migrations for the embedded store. Each entry runs once, in order, inside a
 * transaction, and is recorded in schema_migrations. Never edit a released entry: add a new one.
 *
 * Every table carries tenant_id (test/e2e/tenant-isolation.test.ts checks it), because
 * SQLite has no row-level security and isolation rests on the repositories filtering by it.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'send path',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL GENERATED ALWAYS AS (id) VIRTUAL,
        name TEXT NOT NULL,
        callback_secret_enc TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE channel_accounts (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        channel TEXT NOT NULL,
        name TEXT NOT NULL,
        sandbox INTEGER NOT NULL,
        credentials_enc TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX channel_accounts_by_channel ON channel_accounts (tenant_id, channel, created_at);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        channel_account_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        content TEXT NOT NULL,
        request TEXT NOT NULL,
        degradations TEXT,
        status TEXT NOT NULL,
        status_reason TEXT,
        provider_message_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        seq INTEGER NOT NULL,
        correlation_id TEXT,
        callback_url TEXT,
        callback_data TEXT,
        expires_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX messages_by_tenant ON messages (tenant_id, id);
      CREATE INDEX messages_by_status ON messages (tenant_id, status, id);
      CREATE INDEX messages_by_correlation ON messages (tenant_id, correlation_id) WHERE correlation_id IS NOT NULL;
      CREATE INDEX messages_by_provider_id ON messages (channel_account_id, provider_message_id)
        WHERE provider_message_id IS NOT NULL;
      CREATE TABLE message_events (
        message_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        tenant_id TEXT NOT NULL,
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT,
        code TEXT,
        detail TEXT,
        PRIMARY KEY (message_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE jobs (
        message_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        channel_account_id TEXT NOT NULL,
        run_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        in_flight INTEGER NOT NULL DEFAULT 0,
        interrupted INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX jobs_due ON jobs (run_at);
      CREATE TABLE idempotency_keys (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status_code INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE inbound_events (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        channel_account_id TEXT NOT NULL,
        provider_event_id TEXT,
        kind TEXT NOT NULL,
        sender TEXT,
        event TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX inbound_dedupe ON inbound_events (channel_account_id, provider_event_id)
        WHERE provider_event_id IS NOT NULL;
      CREATE INDEX inbound_by_tenant ON inbound_events (tenant_id, id);
      CREATE TABLE callback_deliveries (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        url TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX callback_due ON callback_deliveries (next_at) WHERE state = 'pending';
      CREATE INDEX callback_by_message ON callback_deliveries (tenant_id, message_id);
    `,
  },
  {
    version: 2,
    name: 'receipts by recipient, numbered choices',
    sql: `
      ALTER TABLE messages ADD COLUMN choices TEXT;
      CREATE INDEX messages_by_recipient ON messages (channel_account_id, recipient, id);
    `,
  },
  {
    version: 3,
    name: 'webhook subscriptions',
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        url TEXT NOT NULL,
        description TEXT,
        events TEXT NOT NULL,
        secrets_enc TEXT NOT NULL,
        state TEXT NOT NULL,
        disabled_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id, id);
      ALTER TABLE callback_deliveries ADD COLUMN endpoint_id TEXT;
      ALTER TABLE callback_deliveries ADD COLUMN event_id TEXT;
      ALTER TABLE callback_deliveries ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX callback_by_endpoint ON callback_deliveries (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'per-account limits',
    sql: `
      ALTER TABLE channel_accounts ADD COLUMN limits TEXT;
    `,
  },
  {
    version: 5,
    name: 'contacts and identities',
    sql: `
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT,
        attributes TEXT,
        locale TEXT,
        time_zone TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX contacts_by_tenant ON contacts (tenant_id, id);
      CREATE TABLE contact_identities (
        tenant_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        channel_account_id TEXT NOT NULL,
        address TEXT NOT NULL,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, channel, channel_account_id, address)
      ) WITHOUT ROWID;
      CREATE INDEX identities_by_contact ON contact_identities (contact_id);
      ALTER TABLE messages ADD COLUMN contact_id TEXT;
    `,
  },
  {
    version: 6,
    name: 'conversations',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        contact_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        channel_account_id TEXT NOT NULL,
        address TEXT NOT NULL,
        state TEXT NOT NULL,
        owner TEXT,
        agent_id TEXT,
        last_inbound_at TEXT,
        seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX conversations_open ON conversations (tenant_id, channel_account_id, address) WHERE state = 'open';
      CREATE INDEX conversations_by_tenant ON conversations (tenant_id, id);
      CREATE TABLE conversation_events (
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        tenant_id TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      ALTER TABLE messages ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'stored templates',
    sql: `
      CREATE TABLE templates (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        description TEXT,
        parameters TEXT NOT NULL,
        variants TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, name, version)
      ) WITHOUT ROWID;
      ALTER TABLE messages ADD COLUMN template TEXT;
    `,
  },
  {
    version: 8,
    name: 'consent and frequency caps',
    sql: `
      CREATE TABLE consents (
        tenant_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, contact_id, channel, purpose)
      ) WITHOUT ROWID;
      CREATE TABLE frequency_caps (
        tenant_id TEXT NOT NULL,
        grp TEXT NOT NULL,
        per_day INTEGER,
        per_week INTEGER,
        per_month INTEGER,
        PRIMARY KEY (tenant_id, grp)
      ) WITHOUT ROWID;
      ALTER TABLE messages ADD COLUMN policy TEXT;
      ALTER TABLE messages ADD COLUMN policy_group TEXT;
      CREATE INDEX messages_by_contact_group ON messages (contact_id, policy_group, created_at)
        WHERE policy_group IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'smart links',
    sql: `
      CREATE TABLE links (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        url TEXT NOT NULL,
        name TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE link_codes (
        code TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        link_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        url TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE link_clicks (
        code TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        link_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        at TEXT NOT NULL,
        user_agent TEXT
      );
      CREATE INDEX link_clicks_by_link ON link_clicks (tenant_id, link_id, at);
    `,
  },
  {
    version: 10,
    name: 'last inbound by address',
    sql: `
      CREATE INDEX conversations_by_address ON conversations (tenant_id, channel_account_id, address);
    `,
  },
  {
    version: 11,
    name: 'vendor façades',
    sql: `
      CREATE TABLE compat_credentials (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        vendor TEXT NOT NULL,
        principal TEXT NOT NULL,
        credential_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (vendor, credential_hash)
      );
      CREATE INDEX compat_credentials_by_tenant ON compat_credentials (tenant_id, created_at);
      ALTER TABLE messages ADD COLUMN callback_format TEXT;
    `,
  },
  {
    version: 12,
    name: 'reply tokens',
    sql: `
      ALTER TABLE inbound_events ADD COLUMN reply_token TEXT;
      CREATE INDEX inbound_by_reply_token ON inbound_events (channel_account_id, reply_token)
        WHERE reply_token IS NOT NULL;
    `,
  },
  {
    version: 13,
    name: 'webhook nonces',
    sql: `
      CREATE TABLE inbound_nonces (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        channel_account_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (channel_account_id, nonce)
      );
      CREATE INDEX inbound_nonces_by_expiry ON inbound_nonces (channel_account_id, expires_at);
    `,
  },
  {
    version: 14,
    name: 'maybe-sent accounting',
    sql: `
      ALTER TABLE messages ADD COLUMN maybe_sent_resends INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN written INTEGER NOT NULL DEFAULT 0;
      -- A claim in flight at the upgrade may have written its request: treat it as written.
      UPDATE jobs SET written = in_flight;
    `,
  },
  {
    version: 15,
    name: 'channel account app ids',
    sql: `
      -- The id a vendor's client names an account by (Webex Connect's appid), set by the tenant.
      ALTER TABLE channel_accounts ADD COLUMN app_id TEXT;
      CREATE UNIQUE INDEX channel_accounts_by_app_id ON channel_accounts (tenant_id, channel, app_id)
        WHERE app_id IS NOT NULL;
    `,
  },
  {
    version: 16,
    name: 'callback events per send',
    sql: `
      -- The events a send's callbackUrl is told of, as bits (core/vocabulary/callback-events.ts);
      -- NULL, as on every message stored before, tells it of all.
      ALTER TABLE messages ADD COLUMN callback_events INTEGER;
    `,
  },
  {
    version: 17,
    name: 'fair dispatch queue',
    sql: `
      -- 0: priority (single and transactional sends), 1: bulk (batches). Jobs queued before this
      -- version wait in the bulk lane.
      ALTER TABLE jobs ADD COLUMN lane INTEGER NOT NULL DEFAULT 1;
      -- A claim walks the keys (lane, tenant, account) with a loose scan of this index and takes
      -- each key's jobs oldest-due first from it (queue.ts).
      CREATE INDEX jobs_fair ON jobs (lane, tenant_id, channel_account_id, run_at);
    `,
  },
  {
    version: 18,
    name: 'fair callback outbox',
    sql: `
      -- The message's lane, kept for the callbacks of its later events (delivered, read, clicked),
      -- which come after its job has gone. Messages and callbacks from before wait as bulk.
      ALTER TABLE messages ADD COLUMN lane INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE callback_deliveries ADD COLUMN lane INTEGER NOT NULL DEFAULT 1;
      -- A claim walks the keys (lane, tenant) with a loose scan of this index and takes each
      -- key's callbacks oldest-due first (callbacks.ts), so one tenant's backlog of callbacks
      -- does not hold up another's, nor a single send's its own tenant's batches'.
      CREATE INDEX callback_fair ON callback_deliveries (lane, tenant_id, next_at) WHERE state = 'pending';
      -- It serves every claim callback_due served.
      DROP INDEX callback_due;
    `,
  },
];
