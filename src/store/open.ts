import type { Config } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** PostgreSQL when a database URL is configured, the embedded SQLite file otherwise. */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dbPath'>): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.connect(config.databaseUrl);
  return new SqliteStore(config.dbPath);
}
