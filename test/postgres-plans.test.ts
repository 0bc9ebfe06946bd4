import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { backends, postgresBackend, type TestDatabase } from './helpers/backends.js';

/**
 * The PostgreSQL store names its statements so each connection plans them once. A migration
 * run by another instance can change a table under such a plan; the store must plan again
 * rather than fail every request until it restarts.
 */
describe.skipIf(!backends.includes(postgresBackend))('prepared statements on postgres', () => {
  let db: TestDatabase & { url?: string };
  let store: Store;
  beforeAll(async () => {
    db = await postgresBackend.createDatabase();
    store = await db.open();
    await store.migrate();
  });
  afterAll(async () => { await store?.close(); await db?.drop(); });

  it('keeps answering after another connection alters a table it has a plan for', async () => {
    await store.createTenant('acme', 1);
    for (let i = 0; i < 12; i++) expect((await store.findTenantByName('acme'))?.name).toBe('acme'); // every pooled connection plans it
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    await other.query('ALTER TABLE tenants ADD COLUMN added_by_a_later_version TEXT');
    await other.end();
    for (let i = 0; i < 12; i++) expect((await store.findTenantByName('acme'))?.name).toBe('acme');
  });
});
