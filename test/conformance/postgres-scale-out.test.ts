/**
 * What the PostgreSQL backend promises beyond the shared conformance suites, because several
 * processes share its database: workers in different processes never get the same job, a
 * process does not release another live process's leases, migrations started together apply
 * once, and a 1000-recipient accept is a handful of statements rather than thousands.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { AcceptBatch, Store } from '../../src/core/ports/store.ts';
import { createSecretBox } from '../../src/lib/crypto.ts';
import { newId } from '../../src/lib/ids.ts';
import { createPostgresBackend, migratePostgres } from '../../src/store/postgres/index.ts';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { CALLBACK_PAYLOADS, POSTGRES, type TestDatabase } from '../support/backends.ts';

const at = '2026-01-01T00:00:00.000Z';
const t0 = new Date(at);

function batch(size: number, extra: Partial<AcceptBatch> = {}): AcceptBatch {
  return {
    tenantId: 't1',
    acceptedAt: at,
    channel: 'line',
    channelAccountId: 'ca_1',
    content: { type: 'text', text: 'hi' },
    recipients: Array.from({ length: size }, (_, i) => ({
      id: newId('msg'),
      to: `U${i}`,
      request: { method: 'POST' as const, path: '/v2/bot/message/push', body: { to: `U${i}` } },
      degradations: [],
    })),
    ...extra,
  };
}

describe.skipIf(!POSTGRES)('postgres scale-out', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Two processes' worth of backends on one database: separate pools, neither owning it alone. */
  async function twoProcesses(): Promise<Array<{ store: Store; queue: JobQueue }>> {
    const first = await POSTGRES!.createBackend({ singleProcess: false });
    cleanup.push(() => first.store.close());
    const second = await createPostgresBackend({
      url: first.url,
      secrets: createSecretBox(randomBytes(32)),
      callbackPayloads: CALLBACK_PAYLOADS,
    });
    cleanup.push(() => second.store.close());
    await first.store.tenants.ensure('t1', 'one');
    return [first, second];
  }

  /** A fresh backend holding one accepted, queued message. */
  async function oneQueuedMessage(): Promise<{ store: Store; id: string }> {
    const { store } = await POSTGRES!.createBackend();
    cleanup.push(() => store.close());
    await store.tenants.ensure('t1', 'one');
    const send = batch(1);
    expect(await store.messages.accept(send)).toEqual({ kind: 'accepted' });
    return { store, id: send.recipients[0]!.id };
  }

  /**
   * Runs `work` with every node-postgres query passed to `intercept` first, with the way to send
   * it on; what `intercept` answers stands for the query's result.
   */
  async function withQueriesIntercepted(
    intercept: (sql: unknown, forward: () => Promise<unknown>) => Promise<unknown>,
    work: () => Promise<void>,
  ): Promise<void> {
    const query = pg.Client.prototype.query as (...args: unknown[]) => Promise<unknown>;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      return intercept(args[0], () => query.apply(this, args));
    } as typeof pg.Client.prototype.query);
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
  }

  it('never hands one job to workers of two processes claiming at once', async () => {
    const [a, b] = await twoProcesses();
    await a!.store.messages.accept(batch(40));
    const claims = await Promise.all([a, b, a, b].map((p) => p!.queue.claim(t0, 15, 60_000)));
    const ids = claims.flat().map((j) => j.messageId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(claims[1]!.length + claims[3]!.length).toBeGreaterThan(0);
  });

  it('leaves another live process’s leases alone unless told it owns the database', async () => {
    const [a, b] = await twoProcesses();
    await a!.store.messages.accept(batch(3, { callbackUrl: 'http://127.0.0.1:9/cb' }));
    expect(await a!.queue.claim(t0, 10, 60_000)).toHaveLength(3);
    expect(await a!.store.callbacks.claimDue(t0, 10, 60_000)).toHaveLength(3);
    // A second process starting up must not make the first one's in-flight work due again.
    expect(await b!.queue.releaseLeases(t0)).toBe(0);
    expect(await b!.store.callbacks.releaseLeases(t0)).toBe(0);
    expect(await b!.queue.claim(t0, 10, 60_000)).toEqual([]);
    expect(await b!.store.callbacks.claimDue(t0, 10, 60_000)).toEqual([]);
  });

  it('applies each migration once when several processes migrate one database together', async () => {
    const database: TestDatabase = await POSTGRES!.createDatabase();
    cleanup.push(() => database.drop());
    const applied = await Promise.all([1, 2, 3].map(() => migratePostgres(database.url)));
    expect(applied.flat().sort((x, y) => x - y)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migratePostgres(database.url)).toEqual([]);
  });

  it('refuses a database whose schema was never migrated, naming the command', async () => {
    const database = await POSTGRES!.createDatabase();
    cleanup.push(() => database.drop());
    await expect(
      createPostgresBackend({
        url: database.url,
        secrets: createSecretBox(randomBytes(32)),
        callbackPayloads: CALLBACK_PAYLOADS,
      }),
    ).rejects.toThrow(/schema is at version 0.*omnigate migrate/);
  });

  it('accepts 1000 recipients with a handful of statements, not one per recipient', async () => {
    const { store, queue } = await POSTGRES!.createBackend();
    cleanup.push(() => store.close());
    await store.tenants.ensure('t1', 'one');
    const send = batch(1000, {
      callbackUrl: 'http://127.0.0.1:9/cb',
      idempotency: { key: 'big', fingerprint: 'f', statusCode: 202, response: {} },
      policyGroup: 'promo',
      capWindows: [{ since: '2025-12-31T00:00:00.000Z', max: 5 }],
    });
    send.recipients.forEach((r, i) => {
      r.contactId = `ct_${i}`;
    });
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    try {
      expect(await store.messages.accept(send)).toEqual({ kind: 'accepted' });
      // Counted at all (the spy sees the pool's connections), and few.
      expect(statements.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(statements.mock.calls.length).toBeLessThanOrEqual(10);
    } finally {
      statements.mockRestore();
    }
    expect(await queue.depth(t0)).toBe(1000);
  });

  it('fails alone a change the database refuses, and applies the rest of its batch in order', async () => {
    const { store } = await POSTGRES!.createBackend();
    cleanup.push(() => store.close());
    await store.tenants.ensure('t1', 'one');
    const send = batch(2);
    expect(await store.messages.accept(send)).toEqual({ kind: 'accepted' });
    const [bad, good] = send.recipients.map((r) => r.id);
    // Asked for in one turn, so they share a transaction; an attempt number past PostgreSQL's
    // integer range makes the database refuse the first change.
    const outcomes = await Promise.allSettled([
      store.messages.transition('t1', {
        messageId: bad!,
        status: 'sending',
        at,
        detail: { attempt: 2 ** 40 },
      }),
      store.messages.transition('t1', { messageId: good!, status: 'sending', at }),
      store.messages.transition('t1', { messageId: good!, status: 'sent', at, providerMessageId: 'p1' }),
      store.messages.transition('t1', { messageId: good!, status: 'delivered', at }),
      store.messages.transition('t1', { messageId: good!, status: 'read', at }),
      store.messages.note('t1', good!, { at, reason: 'first note' }),
      store.messages.note('t1', good!, { at, reason: 'second note' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', ...Array(6).fill('fulfilled')]);
    const events = await store.messages.events('t1', good!);
    expect(events.map((e) => e.reason ?? e.status)).toEqual([
      'accepted',
      'queued',
      'sending',
      'sent',
      'delivered',
      'read',
      'first note',
      'second note',
    ]);
    expect((await store.messages.get('t1', good!))?.status).toBe('read');
    expect((await store.messages.events('t1', bad!)).map((e) => e.status)).toEqual(['accepted', 'queued']);
  });

  it('fails a whole batch at once when the database cannot be reached, instead of each in turn', async () => {
    const { store, id } = await oneQueuedMessage();
    // Every transaction's first round trip fails as a dropped socket does: an error with no SQLSTATE.
    let begins = 0;
    const dropBegins = (sql: unknown, forward: () => Promise<unknown>) => {
      if (typeof sql !== 'string' || !sql.startsWith('BEGIN')) return forward();
      begins++;
      return Promise.reject(new Error('Connection terminated unexpectedly'));
    };
    await withQueriesIntercepted(dropBegins, async () => {
      const outcomes = await Promise.allSettled([
        store.messages.transition('t1', { messageId: id, status: 'sending', at }),
        store.messages.note('t1', id, { at, reason: 'first' }),
        store.messages.note('t1', id, { at, reason: 'second' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(begins).toBe(1);
    });
    expect((await store.messages.events('t1', id)).map((e) => e.status)).toEqual(['accepted', 'queued']);
  });

  it('fails every change of a batch whose COMMIT went unanswered, instead of writing them twice', async () => {
    const { store, id } = await oneQueuedMessage();
    // The server applies the COMMIT, and the connection breaks before its answer arrives.
    let broken = false;
    const breakAfterCommit = (sql: unknown, forward: () => Promise<unknown>) => {
      if (broken || sql !== 'COMMIT') return forward();
      broken = true;
      return forward().then(() => {
        throw new Error('Connection terminated unexpectedly');
      });
    };
    await withQueriesIntercepted(breakAfterCommit, async () => {
      const outcomes = await Promise.allSettled([
        store.messages.note('t1', id, { at, reason: 'first' }),
        store.messages.note('t1', id, { at, reason: 'second' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    });
    expect((await store.messages.events('t1', id)).map((e) => e.reason ?? e.status)).toEqual([
      'accepted',
      'queued',
      'first',
      'second',
    ]);
  });

  it('stores a provider text holding the NUL character, which PostgreSQL text cannot, as U+FFFD', async () => {
    const { store } = await POSTGRES!.createBackend();
    cleanup.push(() => store.close());
    await store.tenants.ensure('t1', 'one');
    const send = batch(1);
    expect(await store.messages.accept(send)).toEqual({ kind: 'accepted' });
    const id = send.recipients[0]!.id;
    await store.messages.transition('t1', { messageId: id, status: 'sending', at });
    const failed = await store.messages.transition('t1', {
      messageId: id,
      status: 'failed',
      at,
      reason: 'provider said a\u0000b',
      code: 'E\u0000',
      finishJob: true,
    });
    expect(failed).toEqual({ applied: true, status: 'failed' });
    expect(await store.messages.get('t1', id)).toMatchObject({
      status: 'failed',
      statusReason: 'provider said a\uFFFDb',
    });
  });
});
