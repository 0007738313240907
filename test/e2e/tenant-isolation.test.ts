/**
 * Two tenants, every endpoint: nothing of one is visible to, or changeable by, the other.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/lib/crypto.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER } from '../support/recipients.ts';

const OTHER_KEY = 'og_other_tenant_key_000000000000000000000';
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { startWorkers: false });
  await gw.store.tenants.ensure('tn_other', 'other');
  await gw.store.tenants.addApiKey('tn_other', hashApiKey(OTHER_KEY), 'og_othe');
});
afterAll(async () => gw.close());

const asOther = { authorization: `Bearer ${OTHER_KEY}` };

describe('tenant isolation', () => {
  it('keeps messages, accounts, inbound events and secrets apart', async () => {
    const sent = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'mine' },
    });
    const id = sent.json.messages[0].id;
    expect((await gw.api('GET', `/v1/messages/${id}`, undefined, asOther)).status).toBe(404);
    expect((await gw.api('GET', '/v1/messages', undefined, asOther)).json.data).toEqual([]);
    expect((await gw.api('GET', '/v1/channel-accounts', undefined, asOther)).json.data).toEqual([]);
    expect((await gw.api('GET', '/v1/inbound-events', undefined, asOther)).json.data).toEqual([]);

    // The other tenant cannot send through this tenant's channel account.
    const accounts = (await gw.api('GET', '/v1/channel-accounts')).json.data;
    const borrowed = await gw.api(
      'POST',
      '/v1/messages',
      { channel: 'line', from: accounts[0].id, to: LINE_USER, message: { type: 'text', text: 'x' } },
      asOther,
    );
    expect(borrowed.status).toBe(422);

    // Idempotency keys are per tenant: the same key is a new request for another tenant.
    await gw.api(
      'POST',
      '/v1/messages',
      { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'k' } },
      {
        'idempotency-key': 'shared',
      },
    );
    const otherKey = await gw.api(
      'POST',
      '/v1/messages',
      { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'different' } },
      { ...asOther, 'idempotency-key': 'shared' },
    );
    expect(otherKey.status).toBe(422); // refused for having no LINE account, not as a key mismatch
    expect(otherKey.json.code).toBe('GW_CHANNEL_ACCOUNT_UNKNOWN');

    const mine = (await gw.api('GET', '/v1/account')).json.callbackSigningSecret;
    const theirs = (await gw.api('GET', '/v1/account', undefined, asOther)).json.callbackSigningSecret;
    expect(mine).not.toBe(theirs);
  });

  it('has tenant_id on every table of the database it runs on', async () => {
    // Isolation rests on every table carrying tenant_id (on PostgreSQL, row-level security
    // compares it too: test/conformance/rls.test.ts).
    const columns = new Map<string, string[]>();
    if (gw.config.databaseUrl) {
      const client = new pg.Client({ connectionString: gw.config.databaseUrl });
      await client.connect();
      const rows = (
        await client.query<{ table_name: string; column_name: string }>(
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'",
        )
      ).rows;
      await client.end();
      for (const r of rows) columns.set(r.table_name, [...(columns.get(r.table_name) ?? []), r.column_name]);
    } else {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(`${gw.config.dataDir}/omnigate.db`, { readonly: true });
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_migrations'")
        .all() as Array<{ name: string }>;
      for (const { name } of tables) {
        const cols = db.prepare(`SELECT name FROM pragma_table_xinfo('${name}')`).all() as Array<{
          name: string;
        }>;
        columns.set(
          name,
          cols.map((c) => c.name),
        );
      }
      db.close();
    }
    expect(columns.size).toBeGreaterThan(10);
    for (const [table, names] of columns) expect(names, table).toContain('tenant_id');
  });
});
