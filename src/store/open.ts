import { existsSync } from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * PostgreSQL when a database URL is configured, the embedded SQLite file otherwise. Only
 * `serve` and `migrate` create a missing SQLite file: an admin command with a mistyped
 * `--db` must fail, not quietly work on a new, empty database.
 */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dbPath'>, options: { create?: boolean } = {}): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.connect(config.databaseUrl);
  if (options.create === false && !existsSync(config.dbPath)) {
    throw new ConfigError(`no database at ${config.dbPath}: check --db (or TESSERA_DB), or create it with tessera migrate`);
  }
  return new SqliteStore(config.dbPath);
}
