import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrations } from '../src/store/migrations/index.js';
import { backends, type Backend, type TestDatabase } from './helpers/backends.js';

/** Plain SQL on a test database, outside the store: to build a database as an older build left it. */
interface Raw {
  exec(sql: string): Promise<void>;
  /** `?` placeholders on both dialects. */
  run(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function rawConnection(backend: Backend, db: TestDatabase): Promise<Raw> {
  if (backend.name === 'sqlite') {
    const sqlite = new Database(db.file!);
    return {
      exec: async (sql) => { sqlite.exec(sql); },
      run: async (sql, params) => { sqlite.prepare(sql).run(...params); },
      close: async () => { sqlite.close(); },
    };
  }
  const client = new pg.Client({ connectionString: db.url! });
  await client.connect();
  return {
    exec: async (sql) => { await client.query(sql); },
    run: async (sql, params) => {
      let n = 0;
      await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
    },
    close: () => client.end(),
  };
}

/** What an older build's `migrate` left behind: migrations 1..version and their bookkeeping. */
async function migrateByHand(raw: Raw, backend: Backend, version: number) {
  if (version === 0) return;
  await raw.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${backend.name === 'sqlite' ? 'INTEGER' : 'BIGINT'} NOT NULL)`);
  for (const m of migrations.filter((x) => x.version <= version)) {
    await raw.exec(backend.name === 'sqlite' ? m.sqlite : m.postgres);
    await raw.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, 1]);
  }
}

const T0 = Date.UTC(2025, 5, 1);
const SECRET = Buffer.alloc(32, 7);

/** Rows as a build at `version` would have written them: only columns that existed then (ids from 1). */
async function addRows(raw: Raw, version: number) {
  if (version < 1) return;
  await raw.run('INSERT INTO tenants (name, token_ttl_seconds, created_at) VALUES (?, ?, ?)', ['old', 900, T0]);
  await raw.run('INSERT INTO api_keys (tenant_id, name, secret_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)', [1, 'k', SECRET, T0, T0 + 5]);
  await raw.run(`INSERT INTO users (tenant_id, user_id, email, first_name, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`, [1, 'opaque-1', 'old@example.com', 'Old', 'Active', T0, T0]);
  await raw.run('INSERT INTO client_tokens (tenant_id, user_id, secret_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [1, 1, SECRET, T0 + 3600_000, T0]);
  if (version < 2) return;
  await raw.run('INSERT INTO verification_templates (tenant_id, name, method_ids, is_default, created_at) VALUES (?, ?, ?, ?, ?)', [1, 'Basic', '[1,2]', 1, T0]);
  await raw.run('INSERT INTO user_verifications (user_id, method_id, status, updated_at) VALUES (?, ?, ?, ?)', [1, 2, 1, T0]);
  await raw.run("UPDATE tenants SET embed_origins = '[\"https://old.example\"]' WHERE id = 1", []);
  if (version < 3) return;
  await raw.run('UPDATE tenants SET rate_limit_per_minute = ?, rate_limit_per_second = ? WHERE id = 1', [600, 20]);
}

describe.each(backends)('migrations on $name', (backend) => {
  const dropLater: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of dropLater.splice(0)) await db.drop();
  });

  it.each(Array.from({ length: LATEST_VERSION }, (_, k) => k))('a database at version %i reaches the latest with its rows kept', async (version) => {
    const db = await backend.createDatabase();
    dropLater.push(db);
    const raw = await rawConnection(backend, db);
    try {
      await migrateByHand(raw, backend, version);
      await addRows(raw, version);
    } finally {
      await raw.close();
    }

    const store = await db.open();
    try {
      expect(await store.schemaVersion()).toEqual({ current: version, latest: LATEST_VERSION });
      expect(await store.migrate()).toEqual(migrations.filter((m) => m.version > version).map((m) => m.version));
      expect(await store.schemaVersion()).toEqual({ current: LATEST_VERSION, latest: LATEST_VERSION });
      expect(await store.migrate()).toEqual([]);

      if (version === 0) {
        expect(await store.listTenants()).toEqual([]);
        return;
      }
      const tenant = await store.findTenantByName('old');
      expect(tenant).toEqual({
        id: 1, name: 'old', tokenTtlSeconds: 900, createdAt: T0,
        embedOrigins: version >= 2 ? ['https://old.example'] : [],
        rateLimitPerMinute: version >= 3 ? 600 : null,
        rateLimitPerSecond: version >= 3 ? 20 : null,
        mintLimitPerMinute: null,
      });
      expect(await store.findApiKey(1, 1)).toEqual({ id: 1, tenantId: 1, name: 'k', secretHash: SECRET, createdAt: T0, lastUsedAt: T0 + 5, revokedAt: null });
      const user = await store.findUser(1, 1);
      expect(user).toMatchObject({ id: 1, userId: 'opaque-1', email: 'old@example.com', firstName: 'Old', lastName: null, templateId: null });
      expect(user!.verifications).toEqual(version >= 2 ? [{ methodId: 2, status: 1, updatedAt: T0 }] : []);
      expect((await store.findClientToken(1, 1))!.token).toMatchObject({ userId: 1, expiresAt: T0 + 3600_000, revokedAt: null });
      expect((await store.listTemplates(1)).map((t) => t.name)).toEqual(version >= 2 ? ['Basic'] : []);

      // The migrated database takes new rows next to the old ones.
      const created = await store.createUser(1, {
        userId: 'opaque-2', email: 'new@example.com', firstName: null, lastName: null, username: null, phone: null,
        referenceId: null, orderId: null, status: 'Active', templateId: null, methodIds: [1],
      }, { secretHash: SECRET, expiresAt: T0 + 3600_000 }, T0);
      expect(created).toMatchObject({ user: { email: 'new@example.com' } });
      expect(await store.createTenant('new', T0)).toMatchObject({ name: 'new' });
    } finally {
      await store.close();
    }
  });

  it('several instances migrating one empty database at once apply each version exactly once', async () => {
    const db = await backend.createDatabase();
    dropLater.push(db);
    const stores = await Promise.all(Array.from({ length: 4 }, () => db.open()));
    try {
      const applied = await Promise.all(stores.map((s) => s.migrate()));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(migrations.map((m) => m.version));
      for (const s of stores) expect(await s.schemaVersion()).toEqual({ current: LATEST_VERSION, latest: LATEST_VERSION });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
