// Prepares a database for one benchmark size: schema, a tenant with raised rate limits, an API
// key, then a bulk preload of users (each with the built-in verifications) and one live client
// token per user, written straight into the database before any server starts.
import { createHash, randomBytes } from 'node:crypto';
import { openStore } from '../dist/store/open.js';
import { createServices } from '../dist/services.js';
import { formatClientToken } from '../dist/tokens/credential.js';
import { BUILT_IN_DEFAULT_METHODS } from '../dist/verifications/catalogue.js';

export const TENANT = 'bench';
const RATE_PER_MINUTE = 1_000_000_000;
const RATE_PER_SECOND = 100_000_000;
/** Mints are also spread over many users; the raised quota keeps its check on the path but never refuses. */
const MINTS_PER_USER_PER_MINUTE = 1_000_000;
const TOKEN_LIFETIME_MS = 86_400_000;
const CHUNK = 50_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 40-character [A-Za-z0-9] secrets from the CSPRNG, without modulo bias, in bulk. */
function secretMaker() {
  let pool = randomBytes(0);
  let at = 0;
  return () => {
    let s = '';
    while (s.length < 40) {
      if (at >= pool.length) { pool = randomBytes(1 << 20); at = 0; }
      const b = pool[at++];
      if (b < 248) s += ALPHABET[b % 62];
    }
    return s;
  };
}

const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Creates the tenant and key through Tessera's own services (so the key format and hash are the
 * real ones), raises the tenant's rate limits, then preloads `users` users and tokens.
 * Returns the key, the plaintext of a sample of the tokens, and how long the preload took.
 */
export async function prepareDatabase({ databaseUrl, dbPath, users, sample }) {
  const store = await openStore({ databaseUrl, dbPath });
  await store.migrate();
  const services = createServices(store);
  const tenant = await services.tenants.create(TENANT);
  if (typeof tenant === 'string') throw new Error(`could not create tenant: ${tenant}`);
  const { key } = await services.keys.create(tenant, 'bench');
  await store.updateTenant(tenant.id, {
    rateLimitPerMinute: RATE_PER_MINUTE, rateLimitPerSecond: RATE_PER_SECOND, mintLimitPerMinute: MINTS_PER_USER_PER_MINUTE,
  });
  await store.close();

  const started = performance.now();
  const tokens = databaseUrl
    ? await preloadPostgres(databaseUrl, tenant.id, users, sample)
    : await preloadSqlite(dbPath, tenant.id, users, sample);
  return { key, tenantId: tenant.id, users, tokens, preloadMs: performance.now() - started };
}

/** Yields chunks of generated tokens: ids 1..n, one per user, with real SHA-256 hashes. */
function* tokenChunks(n, sample) {
  const nextSecret = secretMaker();
  const keepEvery = Math.max(1, Math.floor(n / sample));
  let keptCount = 0;
  for (let start = 1; start <= n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK - 1);
    const ids = [];
    const hashes = [];
    const kept = [];
    for (let id = start; id <= end; id++) {
      const secret = nextSecret();
      ids.push(id);
      hashes.push(sha256(secret));
      if ((id - 1) % keepEvery === 0 && keptCount < sample) {
        kept.push(formatClientToken(id, secret));
        keptCount++;
      }
    }
    yield { start, end, ids, hashes, kept };
  }
}

async function preloadSqlite(file, tenantId, n, sample) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  // A bulk load into a fresh file: no journal while loading, back to WAL before serving.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const insertUser = db.prepare(`INSERT INTO users (id, tenant_id, user_id, email, first_name, last_name, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'Pre', ?, 'Active', ?, ?)`);
  const insertVerification = db.prepare('INSERT INTO user_verifications (user_id, method_id, status, updated_at) VALUES (?, ?, 0, ?)');
  const insertToken = db.prepare('INSERT INTO client_tokens (id, tenant_id, user_id, secret_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const load = db.transaction((chunk) => {
    const opaque = randomBytes(24 * chunk.ids.length);
    chunk.ids.forEach((id, i) => {
      insertUser.run(id, tenantId, opaque.subarray(i * 24, i * 24 + 24).toString('base64url'), `user${id}@preload.example`, `Load${id}`, now, now);
      for (const m of BUILT_IN_DEFAULT_METHODS) insertVerification.run(id, m, now);
      insertToken.run(id, tenantId, id, chunk.hashes[i], now + TOKEN_LIFETIME_MS, now);
    });
  });
  const tokens = [];
  for (const chunk of tokenChunks(n, sample)) {
    load(chunk);
    tokens.push(...chunk.kept);
  }
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.close();
  return tokens;
}

async function preloadPostgres(url, tenantId, n, sample) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const now = Date.now();
    await client.query('BEGIN');
    await client.query(`INSERT INTO users (id, tenant_id, user_id, email, first_name, last_name, status, created_at, updated_at)
      SELECT g, $1, replace(gen_random_uuid()::text, '-', ''), 'user' || g || '@preload.example', 'Pre', 'Load' || g, 'Active', $2, $2
      FROM generate_series(1, $3::bigint) AS g`, [tenantId, now, n]);
    await client.query(`INSERT INTO user_verifications (user_id, method_id, status, updated_at)
      SELECT g, m, 0, $1 FROM generate_series(1, $2::bigint) AS g, unnest($3::int[]) AS m`, [now, n, BUILT_IN_DEFAULT_METHODS]);
    const tokens = [];
    for (const chunk of tokenChunks(n, sample)) {
      await client.query(`INSERT INTO client_tokens (id, tenant_id, user_id, secret_hash, expires_at, created_at)
        SELECT t.id, $1, t.id, t.h, $2, $3 FROM unnest($4::bigint[], $5::bytea[]) AS t(id, h)`,
      [tenantId, now + TOKEN_LIFETIME_MS, now, chunk.ids, chunk.hashes]);
      tokens.push(...chunk.kept);
    }
    for (const table of ['users', 'client_tokens']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`);
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return tokens;
  } finally {
    await client.end();
  }
}

/** A small read-only handle on the benchmark database, for counts after a run. */
export async function openReader({ databaseUrl, dbPath }) {
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return {
      one: async (sql, params) => {
        let n = 0;
        return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows[0];
      },
      close: () => client.end(),
    };
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  return { one: async (sql, params) => db.prepare(sql).get(...params), close: async () => db.close() };
}
