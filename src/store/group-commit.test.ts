import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { SqliteStore } from './sqlite.js';

describe('GroupCommit', () => {
  let dir: string;
  let writer: Database.Database;
  let reader: Database.Database;
  let writes: GroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-gc-'));
    writer = new Database(join(dir, 'db'));
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (n INTEGER UNIQUE)');
    reader = new Database(join(dir, 'db'), { readonly: true });
    writes = new GroupCommit(writer);
  });
  afterEach(() => {
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const visibleToReader = () => (reader.prepare('SELECT COUNT(*) AS c FROM t').get() as { c: number }).c;

  it('commits writes of the same tick in one transaction, and settles them only after the commit', async () => {
    const seenByReaderDuringBatch: number[] = [];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writes.write(() => {
      writer.prepare('INSERT INTO t (n) VALUES (?)').run(i);
      seenByReaderDuringBatch.push(visibleToReader());
      return (writer.prepare('SELECT COUNT(*) AS c FROM t').get() as { c: number }).c;
    }).then((count) => ({ count, visible: visibleToReader() }))));
    // Inside the batch, each write saw its predecessors but another connection saw nothing yet.
    expect(results.map((r) => r.count)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(seenByReaderDuringBatch)).toEqual(new Set([0]));
    // By the time any promise settled, everything was committed.
    expect(results.every((r) => r.visible === 50)).toBe(true);
  });

  it('rolls back a failing write alone, and its neighbours still commit', async () => {
    const outcomes = await Promise.allSettled([1, 2, 2, 3].map((n) => writes.write(() => {
      writer.prepare('INSERT INTO t (n) VALUES (?)').run(n);
      writer.prepare('INSERT INTO t (n) VALUES (?)').run(n + 100); // partial work of the failing write must vanish
      return n;
    })));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(reader.prepare('SELECT n FROM t ORDER BY n').all().map((r) => (r as { n: number }).n)).toEqual([1, 2, 3, 101, 102, 103]);
  });

  it('flushes queued writes synchronously, so nothing queued is lost on close', async () => {
    const pending = writes.write(() => writer.prepare('INSERT INTO t (n) VALUES (7)').run());
    writes.flush();
    expect(visibleToReader()).toBe(1);
    await pending;
  });
});

describe('SqliteStore durability settings', () => {
  it('runs in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-pragma-'));
    const store = new SqliteStore(join(dir, 'db'));
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
