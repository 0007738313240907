import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.ts';

function db() {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE t (v TEXT NOT NULL UNIQUE)');
  return d;
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    () => 'rejected',
  );

describe('group commit', () => {
  it('commits every write of a turn in one transaction and answers each caller', async () => {
    const d = db();
    const writer = new GroupCommitter(d);
    const insert = d.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.all(['a', 'b', 'c'].map((v) => writer.run(() => insert.run(v).changes)));
    expect(results).toEqual([1, 1, 1]);
    expect(d.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });
  });

  it('rolls back only the write that throws', async () => {
    const d = db();
    const writer = new GroupCommitter(d);
    const insert = d.prepare('INSERT INTO t (v) VALUES (?)');
    const outcomes = await Promise.all(
      ['a', 'a', 'b'].map((v) =>
        settle(
          writer.run(() => {
            insert.run(`${v}-1`);
            insert.run(v); // the second 'a' breaks the unique constraint after its first insert
          }),
        ),
      ),
    );
    expect(outcomes).toEqual(['ok', 'rejected', 'ok']);
    const rows = (d.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: string }>).map((r) => r.v);
    expect(rows).toEqual(['a', 'a-1', 'b', 'b-1']);
  });

  it('never reports a write as failed that was committed, nor the reverse, when the disk is full', async () => {
    const d = db();
    const writer = new GroupCommitter(d);
    const insert = d.prepare('INSERT INTO t (v) VALUES (?)');
    const pages = (d.pragma('page_count', { simple: true }) as number) + 2;
    d.pragma(`max_page_count = ${pages}`);
    const values = ['small-1', 'x'.repeat(200_000), 'small-2', 'y'.repeat(50), 'z'.repeat(300_000)];
    const outcomes = await Promise.all(values.map((v) => settle(writer.run(() => insert.run(v)))));
    const stored = new Set((d.prepare('SELECT v FROM t').all() as Array<{ v: string }>).map((r) => r.v));
    values.forEach((v, i) => {
      expect(outcomes[i] === 'ok', `write ${i}`).toBe(stored.has(v));
    });
    expect(outcomes).toContain('rejected');
  });
});
