/**
 * Opening the embedded database: WAL mode so readers never block the writer, synchronous=FULL by
 * default so a committed accept survives power loss too (NORMAL survives process crashes only;
 * docs/guarantees.md), and migrations applied before anything else touches it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How long a statement waits for a lock another connection holds (default 5 s). The API's
   * connection beside the dispatch thread waits 0: its group committer retries later instead
   * (group-commit.ts), since a wait inside better-sqlite3 stops the whole event loop.
   */
  busyTimeoutMs?: number;
}

export function openDatabase({ path, synchronous = 'FULL', busyTimeoutMs = 5000 }: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: Db): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)',
  );
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}

/**
 * Prepared statements cached by their text: preparing costs far more than running, and repository
 * methods with optional filters build their SQL per call from a handful of variants.
 */
export function statementCache(db: Db): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}
