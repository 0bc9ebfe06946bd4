import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres.js';
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
  /** PostgreSQL only: the database's URL. */
  url?: string;
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
    // An empty file is an empty SQLite database, as a new PostgreSQL database is empty.
    writeFileSync(file, '');
    return {
      open: async () => new SqliteStore(file),
      cliArgs: ['--db', file],
      env: { TESSERA_DB: file },
      file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/**
 * The PostgreSQL server the tests use: its `postgres` database is only used to create and drop
 * one fresh database per createDatabase(). TESSERA_TEST_POSTGRES_URL points elsewhere.
 */
export const TEST_POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${(error as Error).message}). `
      + 'Start it, or run only the SQLite backend with TESSERA_TEST_BACKENDS=sqlite.');
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export const postgresBackend: Backend = {
  name: 'postgres',
  async createDatabase() {
    const name = `tessera_t_${randomBytes(6).toString('hex')}`;
    await asAdmin((c) => c.query(`CREATE DATABASE ${name}`));
    const url = databaseUrl(name);
    return {
      open: () => PostgresStore.connect(url),
      cliArgs: ['--database-url', url],
      env: { DATABASE_URL: url },
      url,
      drop: async () => { await asAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)); },
    };
  },
};

/**
 * Every backend the store and contract suites run against: SQLite and PostgreSQL. A missing
 * PostgreSQL fails those suites; for a quick local run without it, set
 * TESSERA_TEST_BACKENDS=sqlite (a comma-separated list of backend names).
 */
const ALL_BACKENDS = [sqliteBackend, postgresBackend];
const wanted = process.env.TESSERA_TEST_BACKENDS?.split(',').map((s) => s.trim()).filter(Boolean);
export const backends: Backend[] = wanted ? ALL_BACKENDS.filter((b) => wanted.includes(b.name)) : ALL_BACKENDS;
if (backends.length === 0) throw new Error(`TESSERA_TEST_BACKENDS="${process.env.TESSERA_TEST_BACKENDS}" names no backend (sqlite, postgres)`);
