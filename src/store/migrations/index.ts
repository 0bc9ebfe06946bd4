/**
 * One ordered list of schema versions; each carries its SQL for both dialects so the two
 * cannot drift. A database at any earlier version migrates forward by applying the rest in
 * order, each in its own transaction together with its row in `schema_migrations`.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'core: tenants, api keys, users, client tokens',
    sqlite: `
      CREATE TABLE tenants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_ttl_seconds INTEGER NOT NULL DEFAULT 3600,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        secret_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX api_keys_tenant ON api_keys(tenant_id);
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        user_id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        first_name TEXT, last_name TEXT, username TEXT, phone TEXT,
        reference_id TEXT, order_id TEXT,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX users_tenant_email ON users(tenant_id, email);
      CREATE TABLE client_tokens (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        user_id INTEGER NOT NULL,
        secret_hash BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX client_tokens_user ON client_tokens(user_id) WHERE revoked_at IS NULL;
      CREATE INDEX client_tokens_expiry ON client_tokens(expires_at);
    `,
    postgres: `
      CREATE TABLE tenants (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_ttl_seconds INTEGER NOT NULL DEFAULT 3600,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE api_keys (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        secret_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT
      );
      CREATE INDEX api_keys_tenant ON api_keys(tenant_id);
      CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL REFERENCES tenants(id),
        user_id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        first_name TEXT, last_name TEXT, username TEXT, phone TEXT,
        reference_id TEXT, order_id TEXT,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX users_tenant_email ON users(tenant_id, email);
      CREATE TABLE client_tokens (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL REFERENCES tenants(id),
        user_id BIGINT NOT NULL,
        secret_hash BYTEA NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT
      );
      CREATE INDEX client_tokens_user ON client_tokens(user_id) WHERE revoked_at IS NULL;
      CREATE INDEX client_tokens_expiry ON client_tokens(expires_at);
    `,
  },
  {
    version: 2,
    name: 'verifications, templates, verify links, embed origins',
    sqlite: `
      ALTER TABLE tenants ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE users ADD COLUMN template_id INTEGER;
      CREATE TABLE verification_templates (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        method_ids TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX verification_templates_name ON verification_templates(tenant_id, name);
      CREATE TABLE user_verifications (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        method_id INTEGER NOT NULL,
        status INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, method_id)
      );
      CREATE TABLE verify_links (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        secret_hash BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
    postgres: `
      ALTER TABLE tenants ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE users ADD COLUMN template_id BIGINT;
      CREATE TABLE verification_templates (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        method_ids TEXT NOT NULL,
        is_default BOOLEAN NOT NULL DEFAULT FALSE,
        created_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX verification_templates_name ON verification_templates(tenant_id, name);
      CREATE TABLE user_verifications (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        method_id INTEGER NOT NULL,
        status INTEGER NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, method_id)
      );
      CREATE TABLE verify_links (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL REFERENCES tenants(id),
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        secret_hash BYTEA NOT NULL,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'per-tenant rate limits',
    sqlite: `
      ALTER TABLE tenants ADD COLUMN rate_limit_per_minute INTEGER;
      ALTER TABLE tenants ADD COLUMN rate_limit_per_second INTEGER;
    `,
    postgres: `
      ALTER TABLE tenants ADD COLUMN rate_limit_per_minute INTEGER;
      ALTER TABLE tenants ADD COLUMN rate_limit_per_second INTEGER;
    `,
  },
  {
    version: 4,
    name: 'per-user mint quota',
    sqlite: `
      ALTER TABLE tenants ADD COLUMN mint_limit_per_minute INTEGER;
    `,
    postgres: `
      ALTER TABLE tenants ADD COLUMN mint_limit_per_minute INTEGER;
    `,
  },
];

export const LATEST_VERSION = migrations[migrations.length - 1].version;
