import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

/** A database a test can open any number of stores on, and throw away afterwards. */
export interface TestDatabase {
  /** Opens a store on this database (migrations not yet applied). */
  open(): Promise<Store>;
  /** What `tessera` needs to reach the same database: flags for the CLI, env for `serve`. */
  cliArgs: string[];
  env: Record<string, string>;
  /** SQLite only: the file, for tests that read the bytes at rest. */
  file?: string;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  createDatabase(): Promise<TestDatabase>;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    const file = join(dir, 'tessera.db');
    return {
      open: async () => new SqliteStore(file),
      cliArgs: ['--db', file],
      env: { TESSERA_DB: file },
      file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** Every backend the store and contract suites run against. */
export const backends: Backend[] = [sqliteBackend];
