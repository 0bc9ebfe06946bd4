import pg from 'pg';
import { LATEST_VERSION, migrations } from './migrations/index.js';
import {
  USER_COLUMNS, likePattern, tenantSettingColumns, toApiKey, toClientToken, toTemplate, toTenant, toUser,
  toVerification, toVerifyLink,
} from './rows.js';
import type { Store } from './store.js';
import type { NewClientToken, NewUser, TenantSettings, UserFields, UserQuery } from './types.js';

/** What a transaction's body may do: run statements (named, like every other). */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

/** Any fixed number, the same in every instance: the lock that serialises migrations. */
const MIGRATION_LOCK = 7_316_254_901;

/** A unique violation of that one constraint (others are real errors, not taken names). */
const isUniqueViolation = (e: unknown, constraint: string) =>
  (e as { code?: string }).code === '23505' && (e as { constraint?: string }).constraint === constraint;

/** A user row with its verifications folded in as JSON, so one query loads a whole user. */
const USER_WITH_VERIFICATIONS = `u.*, COALESCE((
    SELECT json_agg(json_build_object('method_id', v.method_id, 'status', v.status, 'updated_at', v.updated_at) ORDER BY v.method_id)
    FROM user_verifications v WHERE v.user_id = u.id), '[]') AS verifications`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- driver rows are untyped
const userFromRow = (r: any) => toUser(r, r.verifications.map(toVerification));

/** SQLite's ordering, which the API already shows: byte order, NULLs first ascending. */
const sortClause = (q: UserQuery) => {
  const text = q.sort !== 'id' && q.sort !== 'created_at' && q.sort !== 'updated_at';
  return `${q.sort}${text ? ' COLLATE "C"' : ''} ${q.descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}, id ASC`;
};

/**
 * The store for several instances on one database. Every write is one autocommitted statement
 * or one explicit transaction, acknowledged only after COMMIT returns (synchronous_commit is
 * left at its default, on). Nothing is cached: every read sees every committed write of every
 * instance, which is what makes revocation immediate across instances.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;

  private closing: Promise<void> | null = null;

  private constructor(private readonly pool: pg.Pool) {}

  /** Opens a pool on `url` and checks that the database answers. */
  static async connect(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle connection that breaks (database restart) is dropped by the pool; the next query
    // opens a new one. Without a listener the error would end the process.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  private readonly statementNames = new Map<string, string>();
  private planGeneration = 0;

  /**
   * Runs a statement under a stable name, so each pooled connection parses and plans it once
   * instead of on every request (the hot paths are a handful of statements).
   */
  private async run(runner: pg.Pool | pg.PoolClient, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    let name = this.statementNames.get(text);
    if (name === undefined) this.statementNames.set(text, (name = `s${this.statementNames.size}`));
    try {
      return await runner.query({ name: `${name}g${this.planGeneration}`, text, values });
    } catch (error) {
      // Another instance migrated a table under a prepared plan ("cached plan must not change
      // result type"): plan everything afresh. Outside a transaction this statement can simply
      // run again; inside one the caller's transaction has failed and is retried by the client.
      if ((error as { code?: string }).code !== '0A000') throw error;
      this.planGeneration++;
      if (runner !== this.pool) throw error;
      return runner.query(text, values);
    }
  }

  private query(text: string, values: unknown[] = []) {
    return this.run(this.pool, text, values);
  }

  private async one(sql: string, params: unknown[] = []) {
    return (await this.query(sql, params)).rows[0] ?? null;
  }

  private async transaction<T>(run: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await run({ query: (text, values) => this.run(client, text, values) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<number[]> {
    const client = await this.pool.connect();
    const applied: number[] = [];
    try {
      // Instances that start together wait here for the first one; they then find nothing to do.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.postgres);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
    return applied;
  }

  async schemaVersion() {
    const exists = (await this.one("SELECT to_regclass('schema_migrations') IS NOT NULL AS e")).e;
    const current = exists ? Number((await this.one('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).v) : 0;
    return { current, latest: LATEST_VERSION };
  }

  /** Ends the pool once; closing again is a no-op, as with SQLite. */
  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }

  // --- tenants ---

  async createTenant(name: string, now: number) {
    try {
      return toTenant(await this.one('INSERT INTO tenants (name, created_at) VALUES ($1, $2) RETURNING *', [name, now]));
    } catch (e) {
      if (isUniqueViolation(e, 'tenants_name_key')) return 'name_taken' as const;
      throw e;
    }
  }

  async findTenantByName(name: string) {
    const row = await this.one('SELECT * FROM tenants WHERE name = $1', [name]);
    return row ? toTenant(row) : null;
  }

  async listTenants() {
    return (await this.query('SELECT * FROM tenants ORDER BY id')).rows.map(toTenant);
  }

  async updateTenant(tenantId: number, settings: TenantSettings) {
    const set = tenantSettingColumns(settings);
    const row = set.length === 0
      ? await this.one('SELECT * FROM tenants WHERE id = $1', [tenantId])
      : await this.one(`UPDATE tenants SET ${set.map(([c], i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`,
        [tenantId, ...set.map(([, v]) => v)]);
    return row ? toTenant(row) : null;
  }

  // --- api keys ---

  async createApiKey(tenantId: number, name: string, secretHash: Buffer, now: number) {
    return toApiKey(await this.one('INSERT INTO api_keys (tenant_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
      [tenantId, name, secretHash, now]));
  }

  async findApiKey(tenantId: number, keyId: number) {
    const row = await this.one('SELECT * FROM api_keys WHERE id = $1 AND tenant_id = $2', [keyId, tenantId]);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(tenantId: number) {
    return (await this.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map(toApiKey);
  }

  async revokeApiKey(tenantId: number, keyId: number, now: number) {
    const result = await this.query('UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL',
      [keyId, tenantId, now]);
    return result.rowCount === 1;
  }

  // --- users ---

  /** One statement: the user, their pending verifications and a first token, or nothing. */
  async createUser(tenantId: number, user: NewUser, token: NewClientToken, now: number) {
    try {
      const row = await this.one(`
        WITH u AS (
          INSERT INTO users (tenant_id, user_id, email, first_name, last_name, username, phone, reference_id, order_id,
            status, template_id, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING *
        ), v AS (
          INSERT INTO user_verifications (user_id, method_id, status, updated_at)
          SELECT u.id, m, 0, $12::bigint FROM u, unnest($13::int[]) AS m RETURNING *
        ), t AS (
          INSERT INTO client_tokens (tenant_id, user_id, secret_hash, expires_at, created_at)
          SELECT $1::bigint, u.id, $14::bytea, $15::bigint, $12::bigint FROM u RETURNING id
        )
        SELECT u.*, (SELECT id FROM t) AS token_id, COALESCE((
          SELECT json_agg(json_build_object('method_id', v.method_id, 'status', v.status, 'updated_at', v.updated_at) ORDER BY v.method_id)
          FROM v), '[]') AS verifications
        FROM u`,
      [tenantId, user.userId, user.email, user.firstName, user.lastName, user.username, user.phone, user.referenceId,
        user.orderId, user.status, user.templateId, now, user.methodIds, token.secretHash, token.expiresAt]);
      return { user: userFromRow(row), tokenId: Number(row.token_id) };
    } catch (e) {
      if (isUniqueViolation(e, 'users_tenant_email')) return 'email_taken' as const;
      throw e;
    }
  }

  async findUser(tenantId: number, userId: number) {
    const row = await this.one(`SELECT ${USER_WITH_VERIFICATIONS} FROM users u WHERE u.id = $1 AND u.tenant_id = $2`, [userId, tenantId]);
    return row ? userFromRow(row) : null;
  }

  async listUsers(tenantId: number, q: UserQuery) {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (q.search) {
      // ILIKE: SQLite's LIKE ignores ASCII case, and the search behaves the same on both.
      params.push(likePattern(q.search));
      const p = `$${params.length}`;
      where.push(`(username ILIKE ${p} OR first_name ILIKE ${p} OR last_name ILIKE ${p} OR email ILIKE ${p})`);
    }
    if (q.email) { params.push(q.email); where.push(`email = $${params.length}`); }
    if (q.status) { params.push(q.status); where.push(`status = $${params.length}`); }
    const filter = where.join(' AND ');
    const total = Number((await this.one(`SELECT COUNT(*) AS n FROM users WHERE ${filter}`, params)).n);
    // q.sort is a whitelisted column name (see UserSortField), never caller text.
    const rows = (await this.query(
      `SELECT ${USER_WITH_VERIFICATIONS} FROM (SELECT * FROM users WHERE ${filter}
        ORDER BY ${sortClause(q)} LIMIT $${params.length + 1} OFFSET $${params.length + 2}) u
       ORDER BY ${sortClause(q)}`,
      [...params, q.perPage, (q.page - 1) * q.perPage])).rows;
    return { users: rows.map(userFromRow), total };
  }

  async updateUser(tenantId: number, userId: number, changes: Partial<UserFields>, now: number) {
    const set = (Object.keys(changes) as Array<keyof UserFields>).filter((k) => changes[k] !== undefined);
    try {
      const row = await this.one(`
        WITH u AS (
          UPDATE users SET ${set.map((k, i) => `${USER_COLUMNS[k]} = $${i + 4}, `).join('')}updated_at = $3
          WHERE id = $1 AND tenant_id = $2 RETURNING *
        ) SELECT ${USER_WITH_VERIFICATIONS} FROM u`,
      [userId, tenantId, now, ...set.map((k) => changes[k])]);
      return row ? userFromRow(row) : null;
    } catch (e) {
      if (isUniqueViolation(e, 'users_tenant_email')) return 'email_taken' as const;
      throw e;
    }
  }

  /** One statement, so the delete and the revocation commit together. */
  async deleteUser(tenantId: number, userId: number, now: number) {
    const row = await this.one(`
      WITH d AS (DELETE FROM users WHERE id = $1 AND tenant_id = $2 RETURNING id),
      r AS (UPDATE client_tokens SET revoked_at = $3 WHERE user_id IN (SELECT id FROM d) AND tenant_id = $2 AND revoked_at IS NULL)
      SELECT COUNT(*) AS n FROM d`, [userId, tenantId, now]);
    return Number(row.n) === 1;
  }

  async setVerificationStatus(tenantId: number, userId: number, methodId: number, status: number, now: number) {
    return this.transaction(async (client) => {
      const changed = await client.query(`UPDATE user_verifications SET status = $1, updated_at = $2
          WHERE user_id = (SELECT id FROM users WHERE id = $3 AND tenant_id = $4) AND method_id = $5`,
      [status, now, userId, tenantId, methodId]);
      if (changed.rowCount !== 1) return null;
      const row = (await client.query(`
        WITH u AS (UPDATE users SET updated_at = $1 WHERE id = $2 RETURNING *)
        SELECT ${USER_WITH_VERIFICATIONS} FROM u`, [now, userId])).rows[0];
      return userFromRow(row);
    });
  }

  // --- client tokens ---

  async createClientToken(tenantId: number, userId: number, token: NewClientToken, now: number) {
    const row = await this.one(`INSERT INTO client_tokens (tenant_id, user_id, secret_hash, expires_at, created_at)
        SELECT $1::bigint, id, $3::bytea, $4::bigint, $5::bigint FROM users WHERE id = $2 AND tenant_id = $1 RETURNING id`,
    [tenantId, userId, token.secretHash, token.expiresAt, now]);
    return row ? Number(row.id) : null;
  }

  /** The token, and its user when the user still exists, in one query. */
  async findClientToken(tenantId: number, tokenId: number) {
    const row = await this.one(`
      SELECT t.*, (SELECT to_json(x) FROM (SELECT ${USER_WITH_VERIFICATIONS} FROM users u
        WHERE u.id = t.user_id AND u.tenant_id = t.tenant_id) x) AS owner
      FROM client_tokens t WHERE t.id = $1 AND t.tenant_id = $2`, [tokenId, tenantId]);
    if (!row) return null;
    return { token: toClientToken(row), user: row.owner ? userFromRow(row.owner) : null };
  }

  async revokeClientTokens(tenantId: number, userId: number, now: number) {
    const row = await this.one(`
      WITH u AS (SELECT id FROM users WHERE id = $1 AND tenant_id = $2),
      r AS (UPDATE client_tokens SET revoked_at = $3 WHERE user_id IN (SELECT id FROM u) AND tenant_id = $2 AND revoked_at IS NULL)
      SELECT COUNT(*) AS n FROM u`, [userId, tenantId, now]);
    return Number(row.n) === 1;
  }

  async purgeClientTokens(before: number) {
    return (await this.query('DELETE FROM client_tokens WHERE expires_at < $1 OR revoked_at < $1', [before])).rowCount ?? 0;
  }

  touchApiKeys(lastUsed: Map<number, number>) {
    return this.touch('api_keys', lastUsed);
  }

  touchClientTokens(lastUsed: Map<number, number>) {
    return this.touch('client_tokens', lastUsed);
  }

  private async touch(table: 'api_keys' | 'client_tokens', lastUsed: Map<number, number>) {
    if (lastUsed.size === 0) return;
    await this.query(`UPDATE ${table} AS t SET last_used_at = GREATEST(t.last_used_at, s.at)
        FROM unnest($1::bigint[], $2::bigint[]) AS s(id, at) WHERE t.id = s.id`,
    [[...lastUsed.keys()], [...lastUsed.values()]]);
  }

  // --- templates and verify links ---

  /** One statement: a taken name changes nothing, not even which template is the default. */
  async createTemplate(tenantId: number, name: string, methodIds: number[], isDefault: boolean, now: number) {
    try {
      return toTemplate(await this.one(`
        WITH t AS (
          INSERT INTO verification_templates (tenant_id, name, method_ids, is_default, created_at)
          VALUES ($1, $2, $3, $4, $5) RETURNING *
        ), d AS (
          UPDATE verification_templates SET is_default = FALSE
          WHERE $4::boolean AND tenant_id = $1 AND is_default AND id NOT IN (SELECT id FROM t)
        ) SELECT * FROM t`,
      [tenantId, name, JSON.stringify(methodIds), isDefault, now]));
    } catch (e) {
      if (isUniqueViolation(e, 'verification_templates_name')) return 'name_taken' as const;
      throw e;
    }
  }

  async findTemplate(tenantId: number, templateId: number) {
    const row = await this.one('SELECT * FROM verification_templates WHERE id = $1 AND tenant_id = $2', [templateId, tenantId]);
    return row ? toTemplate(row) : null;
  }

  async findDefaultTemplate(tenantId: number) {
    const row = await this.one('SELECT * FROM verification_templates WHERE tenant_id = $1 AND is_default ORDER BY id DESC LIMIT 1', [tenantId]);
    return row ? toTemplate(row) : null;
  }

  async listTemplates(tenantId: number) {
    return (await this.query('SELECT * FROM verification_templates WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map(toTemplate);
  }

  async createVerifyLink(tenantId: number, userId: number, secretHash: Buffer, expiresAt: number, now: number) {
    const row = await this.one(`INSERT INTO verify_links (tenant_id, user_id, secret_hash, expires_at, created_at)
        SELECT $1::bigint, id, $3::bytea, $4::bigint, $5::bigint FROM users WHERE id = $2 AND tenant_id = $1 RETURNING id`,
    [tenantId, userId, secretHash, expiresAt, now]);
    return row ? Number(row.id) : null;
  }

  async findVerifyLink(tenantId: number, linkId: number) {
    const row = await this.one('SELECT * FROM verify_links WHERE id = $1 AND tenant_id = $2', [linkId, tenantId]);
    return row ? toVerifyLink(row) : null;
  }
}
