/**
 * Row-level security of the PostgreSQL backend, checked with raw SQL rather than through the
 * repositories: whatever a query forgets to filter, the app role in tenant t1's context neither
 * sees nor writes tenant t2's rows, and the router role of the cross-tenant paths reads nothing
 * but the columns its lookups need.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.ts';
import { openPool, PgDatabase, type Tx } from '../../src/store/postgres/database.ts';
import { POSTGRES } from '../support/backends.ts';

const at = '2026-01-01T00:00:00.000Z';

/** Writes a row in every table for a tenant, through the ports. */
async function populate(store: Store, tenantId: string): Promise<void> {
  const id = (kind: string) => `${kind}_${tenantId}`;
  await store.tenants.ensure(tenantId, tenantId);
  await store.tenants.addApiKey(tenantId, id('hash'), 'og_');
  await store.tenants.addCompatCredential(tenantId, {
    id: id('cred'),
    vendor: 'konnek',
    principal: 'p',
    credentialHash: id('h'),
  });
  await store.channelAccounts.create(tenantId, {
    id: id('ca'),
    channel: 'line',
    name: 'n',
    sandbox: true,
    credentials: { token: `secret of ${tenantId}` },
  });
  await store.webhooks.create(
    { id: id('wh'), tenantId, url: 'https://hooks.example/', events: ['*'], createdAt: at },
    'whsec',
  );
  await store.links.create({ id: id('lk'), tenantId, url: 'https://example.com/', createdAt: at });
  await store.inbound.claimNonce(tenantId, id('ca'), 'nonce', '2999-01-01T00:00:00.000Z', at);
  await store.contacts.create(
    tenantId,
    { id: id('ct'), attributes: {}, identities: [{ channel: 'line', address: 'U1' }] },
    at,
  );
  const conversation = await store.conversations.open(
    tenantId,
    { contactId: id('ct'), channel: 'line', channelAccountId: id('ca'), address: 'U1' },
    id('cv'),
    at,
    true,
  );
  await store.templates.add({ tenantId, name: 'hello', parameters: [], variants: { default: {} } }, at);
  await store.policy.setConsent(tenantId, id('ct'), {
    channel: '*',
    purpose: 'marketing',
    status: 'opted_in',
    source: 'api',
    updatedAt: at,
  });
  await store.policy.setCap(tenantId, { group: 'promo', perDay: 3 });
  await store.inbound.insert(tenantId, [
    { channelAccountId: id('ca'), providerEventId: id('ev'), kind: 'message', event: {}, receivedAt: at },
  ]);
  await store.messages.accept({
    tenantId,
    acceptedAt: at,
    channel: 'line',
    channelAccountId: id('ca'),
    content: { type: 'text', text: `private to ${tenantId}` },
    callbackUrl: 'https://cb.example/',
    idempotency: { key: 'k', fingerprint: 'f', statusCode: 202, response: {} },
    recipients: [
      {
        id: id('msg'),
        to: 'U1',
        request: { method: 'POST', path: '/', body: {} },
        degradations: [],
        contactId: id('ct'),
        forcedInto: conversation,
        smartlinks: [
          {
            code: id('code'),
            linkId: id('lk'),
            url: 'https://example.com/',
            expiresAt: '2030-01-01T00:00:00Z',
          },
        ],
      },
    ],
  });
  await store.messages.transition(tenantId, { messageId: id('msg'), status: 'sending', at });
  await store.links.click(id('code'), at, undefined);
}

describe.skipIf(!POSTGRES)('row-level security: postgres', () => {
  let store: Store;
  let url: string;
  let client: pg.Client;
  let tables: string[];

  beforeAll(async () => {
    ({ store, url } = await POSTGRES!.createBackend());
    await populate(store, 't1');
    await populate(store, 't2');
    client = new pg.Client({ connectionString: url });
    await client.connect();
    tables = (
      await client.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY 1",
      )
    ).rows.map((r) => r.name);
  });
  afterAll(async () => {
    await client?.end();
    await store?.close();
  });

  /** Runs `work` in a transaction as `role` with `tenant` set, always rolled back. */
  async function as<T>(role: string, tenant: string | undefined, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL ROLE ${role}`);
      if (tenant !== undefined)
        await client.query("SELECT set_config('omnigate.tenant_id', $1, true)", [tenant]);
      return await work();
    } finally {
      await client.query('ROLLBACK');
    }
  }
  const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);

  it('has tenant_id in every table, and RLS enabled, forced and policed on each', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(21);
    const rows = (
      await client.query<{
        name: string;
        rls: boolean;
        forced: boolean;
        has_tenant: boolean;
        policies: string[];
      }>(
        `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
             AS has_tenant,
           ARRAY(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = c.oid ORDER BY 1) AS policies
         FROM pg_class c WHERE c.relname = ANY($1::text[]) AND c.relkind = 'r'
           AND c.relnamespace = current_schema()::regnamespace`,
        [tables],
      )
    ).rows;
    expect(rows).toHaveLength(tables.length);
    for (const r of rows) {
      expect({ table: r.name, rls: r.rls, forced: r.forced, tenant: r.has_tenant }).toEqual({
        table: r.name,
        rls: true,
        forced: true,
        tenant: true,
      });
      expect(r.policies).toContain('tenant_isolation');
    }
  });

  it('runs the app as roles that cannot bypass row-level security', async () => {
    const roles = (
      await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
        "SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname IN ('omnigate_app', 'omnigate_router') ORDER BY 1",
      )
    ).rows;
    expect(roles).toEqual([
      { rolname: 'omnigate_app', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      { rolname: 'omnigate_router', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
    ]);
  });

  it('shows tenant t1 none of t2’s rows in any table, even to an unfiltered query', async () => {
    for (const table of tables) {
      // As the superuser who owns the test database, RLS does not apply: t2 has rows everywhere.
      expect({
        table,
        t2Rows: (await count(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = 't2'`)) > 0,
      }).toEqual({
        table,
        t2Rows: true,
      });
      const seen = await as('omnigate_app', 't1', async () => ({
        own: await count(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = 't1'`),
        all: await count(`SELECT count(*) AS n FROM ${table}`),
      }));
      expect({ table, ...seen }).toEqual({ table, own: seen.all, all: seen.all });
      expect({ table, own: seen.own > 0 }).toEqual({ table, own: true });
    }
    const contents = await as('omnigate_app', 't1', async () =>
      (await client.query<{ content: string }>('SELECT content FROM messages')).rows.map((r) => r.content),
    );
    expect(contents).toEqual([JSON.stringify({ type: 'text', text: 'private to t1' })]);
  });

  it('shows nothing at all when no tenant is set', async () => {
    for (const table of tables) {
      expect({
        table,
        n: await as('omnigate_app', undefined, () => count(`SELECT count(*) AS n FROM ${table}`)),
      }).toEqual({
        table,
        n: 0,
      });
    }
  });

  it('refuses writes of another tenant’s rows, and changes none of them', async () => {
    await expect(
      as('omnigate_app', 't1', () =>
        client.query(
          "INSERT INTO links (id, tenant_id, url, created_at) VALUES ('lk_x', 't2', 'https://x/', 'now')",
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await as('omnigate_app', 't1', async () => ({
      updated: (await client.query("UPDATE messages SET status = 'failed' WHERE tenant_id = 't2'")).rowCount,
      deleted: (await client.query("DELETE FROM channel_accounts WHERE id = 'ca_t2'")).rowCount,
      moved: await client
        .query("UPDATE links SET tenant_id = 't2' WHERE id = 'lk_t1'")
        .then(() => 'moved')
        .catch((e: Error) => e.message),
    }));
    expect(changed.updated).toBe(0);
    expect(changed.deleted).toBe(0);
    expect(changed.moved).toMatch(/row-level security/);
  });

  it('lets the router role read only which tenant an id belongs to, and the queue and outbox leases', async () => {
    const owners = await as(
      'omnigate_router',
      undefined,
      async () =>
        (
          await client.query<{ id: string; tenant_id: string }>(
            'SELECT id, tenant_id FROM channel_accounts ORDER BY id',
          )
        ).rows,
    );
    expect(owners).toEqual([
      { id: 'ca_t1', tenant_id: 't1' },
      { id: 'ca_t2', tenant_id: 't2' },
    ]);
    for (const sql of [
      'SELECT credentials_enc FROM channel_accounts',
      'SELECT content FROM messages',
      'SELECT payload FROM callback_deliveries',
      'SELECT url FROM callback_deliveries',
      'SELECT name FROM tenants',
      'SELECT prefix FROM api_keys',
      'SELECT url FROM link_codes',
      'SELECT secrets_enc FROM webhook_endpoints',
      'SELECT event FROM inbound_events',
      "INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at) VALUES ('m', 't1', 'ca', now())",
      "UPDATE callback_deliveries SET payload = 'x'",
    ]) {
      const outcome = await as('omnigate_router', undefined, () =>
        client.query(sql).then(
          () => 'allowed',
          (e: Error) => e.message,
        ),
      );
      expect({ sql, outcome }).toEqual({ sql, outcome: expect.stringMatching(/permission denied/) });
    }
    expect(await as('omnigate_router', undefined, () => count('SELECT count(*) AS n FROM jobs'))).toBe(2);
  });
});

describe.skipIf(!POSTGRES)('pooled connections keep no scope they were not asked for: postgres', () => {
  // One connection, so every call below reuses the session the call before it left behind.
  let store: Store;
  let url: string;
  beforeAll(async () => {
    ({ store, url } = await POSTGRES!.createBackend({ poolSize: 1 }));
    await populate(store, 't1');
    await populate(store, 't2');
  });
  afterAll(async () => store?.close());

  it('reads each tenant’s rows only, whichever tenant or role the connection served last', async () => {
    for (const [tenant, other] of [
      ['t1', 't2'],
      ['t2', 't1'],
      ['t1', 't2'],
    ] as const) {
      // Single-statement reads (outside a transaction), then a transaction, then the router.
      expect(await store.messages.get(tenant, `msg_${tenant}`)).toMatchObject({ tenantId: tenant });
      expect(await store.messages.get(tenant, `msg_${other}`)).toBeUndefined();
      expect((await store.messages.list(tenant, { limit: 10 })).map((m) => m.id)).toEqual([`msg_${tenant}`]);
      expect((await store.messages.events(tenant, `msg_${other}`)).length).toBe(0);
      expect((await store.channelAccounts.findForWebhook(`ca_${other}`))?.tenantId).toBe(other);
      expect(await store.channelAccounts.get(tenant, `ca_${other}`)).toBeUndefined();
    }
  });

  it('forgets the scope a rolled-back transaction set', async () => {
    // A refused batch rolls back (a frequency cap of 0 for the contact); the next read on the
    // same connection must still be in its own tenant's scope.
    await store.policy.setCap('t2', { group: 'none', perDay: 0 });
    const refused = await store.messages.accept({
      tenantId: 't2',
      acceptedAt: at,
      channel: 'line',
      channelAccountId: 'ca_t2',
      content: { type: 'text', text: 'x' },
      policyGroup: 'none',
      capWindows: [{ since: '2000-01-01T00:00:00.000Z', max: 0 }],
      recipients: [
        {
          id: 'msg_refused',
          to: 'U1',
          request: { method: 'POST', path: '/', body: {} },
          degradations: [],
          contactId: 'ct_t2',
        },
      ],
    });
    expect(refused.kind).toBe('capped');
    expect((await store.messages.list('t1', { limit: 10 })).map((m) => m.id)).toEqual(['msg_t1']);
    expect(await store.messages.get('t2', 'msg_refused')).toBeUndefined();
  });

  it('reads on after a migration changes the columns under a prepared statement', async () => {
    // messages.get is prepared on the pooled connection; PostgreSQL refuses a prepared SELECT *
    // whose columns changed ("cached plan must not change result type") until the session ends.
    expect(await store.messages.get('t1', 'msg_t1')).toMatchObject({ id: 'msg_t1' });
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    try {
      await owner.query('ALTER TABLE messages ADD COLUMN later_column text');
      expect(await store.messages.get('t1', 'msg_t1')).toMatchObject({ id: 'msg_t1' });
      await owner.query('ALTER TABLE messages DROP COLUMN later_column');
      expect(await store.messages.get('t1', 'msg_t1')).toMatchObject({ id: 'msg_t1' });
    } finally {
      await owner.end();
    }
  });

  it('reads on when every pooled connection holds the stale prepared plan', async () => {
    const db = new PgDatabase(openPool(url, 5));
    const sql = 'SELECT * FROM links WHERE id = $1';
    const read = (tx: Tx) => tx.query(sql, ['lk_t1'], { prepare: true });
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    try {
      // Five transactions held open together: the statement is prepared on all five connections.
      let arrived = 0;
      let release: () => void = () => undefined;
      const together = new Promise<void>((resolve) => {
        release = resolve;
      });
      await Promise.all(
        Array.from({ length: 5 }, () =>
          db.tenant('t1', async (tx) => {
            await read(tx);
            if (++arrived === 5) release();
            await together;
          }),
        ),
      );
      await owner.query('ALTER TABLE links ADD COLUMN later_column text');
      const [row] = await db.tenant('t1', read);
      expect(row).toMatchObject({ id: 'lk_t1', later_column: null });
      const [again] = await db.statement('t1', sql, ['lk_t1'], { prepare: true });
      expect(again).toMatchObject({ id: 'lk_t1' });
    } finally {
      await owner.query('ALTER TABLE links DROP COLUMN IF EXISTS later_column');
      await owner.end();
      await db.close();
    }
  });

  it('fails a transaction whose failed statement was caught, instead of reporting it committed', async () => {
    const db = new PgDatabase(openPool(url, 1));
    try {
      const swallowed = db.tenant('t1', async (tx) => {
        await tx.query("UPDATE links SET url = 'https://changed.example/' WHERE id = 'lk_t1'");
        await tx.query('SELECT 1 / 0').catch(() => undefined);
        return 'done';
      });
      await expect(swallowed).rejects.toThrow(/rolled back/);
      // Nothing was written, and the connection serves the next caller in its own scope.
      const [link] = await db.statement<{ url: string }>('t2', "SELECT url FROM links WHERE id = 'lk_t1'");
      expect(link).toBeUndefined();
      const [own] = await db.statement<{ url: string }>('t1', "SELECT url FROM links WHERE id = 'lk_t1'");
      expect(own?.url).toBe('https://example.com/');
    } finally {
      await db.close();
    }
  });
});
