import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroupCommit } from './group-commit.js';
import { LATEST_VERSION, migrations } from './migrations/index.js';
import {
  USER_COLUMNS, groupVerifications, likePattern, tenantSettingColumns, toApiKey, toClientToken, toTemplate,
  toTenant, toUser, toVerification, toVerifyLink,
} from './rows.js';
import type { Store } from './store.js';
import type { NewClientToken, NewUser, TenantSettings, UserFields, UserQuery } from './types.js';

/** A user's verifications as one JSON array, so a user loads in one statement. */
const VERIFICATIONS_JSON = `json((SELECT json_group_array(json_object('method_id', v.method_id, 'status', v.status, 'updated_at', v.updated_at))
  FROM (SELECT * FROM user_verifications WHERE user_id = u.id ORDER BY method_id) v))`;

/** Every column of `users` as a JSON object, for reading a user nested in another row. */
const USER_JSON_FIELDS = ['id', 'tenant_id', 'user_id', 'email', 'first_name', 'last_name', 'username', 'phone',
  'reference_id', 'order_id', 'status', 'template_id', 'created_at', 'updated_at'].map((c) => `'${c}', u.${c}`).join(', ');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- driver rows are untyped
const userFromRow = (r: any) => toUser(r, (typeof r.verifications === 'string' ? JSON.parse(r.verifications) : r.verifications).map(toVerification));

const isUniqueViolation = (e: unknown) =>
  e instanceof Error && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * The embedded store. WAL with synchronous=FULL: a commit is on disk before it returns, so an
 * acknowledged revocation survives a power cut. Concurrent writes share one commit through
 * GroupCommit.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly writes: GroupCommit;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.writes = new GroupCommit(this.db);
  }
  /** Prepared once per SQL text: preparing costs more than running a point query. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }


  async migrate(): Promise<number[]> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied: number[] = [];
    const apply = this.db.transaction((m: (typeof migrations)[number]) => {
      // Re-checked inside the write lock: another process may have migrated meanwhile.
      if (this.sql('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      this.db.exec(m.sqlite);
      this.sql('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      applied.push(m.version);
    });
    for (const m of migrations) apply.immediate(m);
    return applied;
  }

  async schemaVersion() {
    const row = this.sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    const current = row
      ? (this.sql('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
      : 0;
    return { current, latest: LATEST_VERSION };
  }

  async close(): Promise<void> {
    this.writes.flush();
    this.db.close();
  }

  // --- tenants ---

  createTenant(name: string, now: number) {
    return this.writes.write(() => {
      try {
        const id = this.sql('INSERT INTO tenants (name, created_at) VALUES (?, ?)').run(name, now).lastInsertRowid;
        return toTenant(this.sql('SELECT * FROM tenants WHERE id = ?').get(id) as object);
      } catch (e) {
        if (isUniqueViolation(e)) return 'name_taken' as const;
        throw e;
      }
    });
  }

  async findTenantByName(name: string) {
    const row = this.sql('SELECT * FROM tenants WHERE name = ?').get(name);
    return row ? toTenant(row) : null;
  }

  async listTenants() {
    return this.sql('SELECT * FROM tenants ORDER BY id').all().map(toTenant);
  }

  updateTenant(tenantId: number, settings: TenantSettings) {
    return this.writes.write(() => {
      const set = tenantSettingColumns(settings);
      if (set.length > 0) {
        this.sql(`UPDATE tenants SET ${set.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`)
          .run(...set.map(([, v]) => v), tenantId);
      }
      const row = this.sql('SELECT * FROM tenants WHERE id = ?').get(tenantId);
      return row ? toTenant(row) : null;
    });
  }

  // --- api keys ---

  createApiKey(tenantId: number, name: string, secretHash: Buffer, now: number) {
    return this.writes.write(() => {
      const id = this.sql('INSERT INTO api_keys (tenant_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)')
        .run(tenantId, name, secretHash, now).lastInsertRowid;
      return toApiKey(this.sql('SELECT * FROM api_keys WHERE id = ?').get(id) as object);
    });
  }

  async findApiKey(tenantId: number, keyId: number) {
    const row = this.sql('SELECT * FROM api_keys WHERE id = ? AND tenant_id = ?').get(keyId, tenantId);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(tenantId: number) {
    return this.sql('SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY id').all(tenantId).map(toApiKey);
  }

  revokeApiKey(tenantId: number, keyId: number, now: number) {
    return this.writes.write(() =>
      this.sql('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL')
        .run(now, keyId, tenantId).changes === 1);
  }

  // --- users ---

  private loadUser(tenantId: number, userId: number) {
    const row = this.sql(`SELECT u.*, ${VERIFICATIONS_JSON} AS verifications FROM users u WHERE u.id = ? AND u.tenant_id = ?`)
      .get(userId, tenantId);
    return row ? userFromRow(row) : null;
  }

  createUser(tenantId: number, user: NewUser, token: NewClientToken, now: number) {
    return this.writes.write(() => {
      let id: number | bigint;
      try {
        id = this.sql(`INSERT INTO users (tenant_id, user_id, email, first_name, last_name, username, phone,
            reference_id, order_id, status, template_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(tenantId, user.userId, user.email, user.firstName, user.lastName, user.username, user.phone,
            user.referenceId, user.orderId, user.status, user.templateId, now, now).lastInsertRowid;
      } catch (e) {
        if (isUniqueViolation(e)) return 'email_taken' as const;
        throw e;
      }
      const addVerification = this.sql('INSERT INTO user_verifications (user_id, method_id, status, updated_at) VALUES (?, ?, 0, ?)');
      for (const methodId of user.methodIds) addVerification.run(id, methodId, now);
      const tokenId = this.insertToken(tenantId, Number(id), token, now);
      return { user: this.loadUser(tenantId, Number(id))!, tokenId };
    });
  }

  async findUser(tenantId: number, userId: number) {
    return this.loadUser(tenantId, userId);
  }

  async listUsers(tenantId: number, q: UserQuery) {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (q.search) {
      where.push("(username LIKE ? ESCAPE '\\' OR first_name LIKE ? ESCAPE '\\' OR last_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')");
      const p = likePattern(q.search);
      params.push(p, p, p, p);
    }
    if (q.email) { where.push('email = ?'); params.push(q.email); }
    if (q.status) { where.push('status = ?'); params.push(q.status); }
    const filter = where.join(' AND ');
    const total = (this.sql(`SELECT COUNT(*) AS n FROM users WHERE ${filter}`).get(...params) as { n: number }).n;
    // q.sort is a whitelisted column name (see UserSortField), never caller text.
    const rows = this.sql(`SELECT * FROM users WHERE ${filter} ORDER BY ${q.sort} ${q.descending ? 'DESC' : 'ASC'}, id ASC LIMIT ? OFFSET ?`)
      .all(...params, q.perPage, (q.page - 1) * q.perPage) as Array<{ id: number }>;
    const ids = rows.map((r) => r.id);
    const verifications = ids.length === 0 ? new Map() : groupVerifications(
      this.sql(`SELECT * FROM user_verifications WHERE user_id IN (${ids.map(() => '?').join(',')}) ORDER BY method_id`).all(...ids) as object[]);
    return { users: rows.map((r) => toUser(r, verifications.get(r.id) ?? [])), total };
  }

  updateUser(tenantId: number, userId: number, changes: Partial<UserFields>, now: number) {
    return this.writes.write(() => {
      const set = (Object.keys(changes) as Array<keyof UserFields>).filter((k) => changes[k] !== undefined);
      try {
        const result = this.sql(`UPDATE users SET ${set.map((k) => `${USER_COLUMNS[k]} = ?, `).join('')}updated_at = ? WHERE id = ? AND tenant_id = ?`)
          .run(...set.map((k) => changes[k]), now, userId, tenantId);
        if (result.changes === 0) return null;
      } catch (e) {
        if (isUniqueViolation(e)) return 'email_taken' as const;
        throw e;
      }
      return this.loadUser(tenantId, userId);
    });
  }

  deleteUser(tenantId: number, userId: number, now: number) {
    return this.writes.write(() => {
      const deleted = this.sql('DELETE FROM users WHERE id = ? AND tenant_id = ?').run(userId, tenantId).changes === 1;
      if (deleted) this.revokeTokensOf(tenantId, userId, now);
      return deleted;
    });
  }

  setVerificationStatus(tenantId: number, userId: number, methodId: number, status: number, now: number) {
    return this.writes.write(() => {
      const changed = this.sql(`UPDATE user_verifications SET status = ?, updated_at = ?
          WHERE user_id = (SELECT id FROM users WHERE id = ? AND tenant_id = ?) AND method_id = ?`)
        .run(status, now, userId, tenantId, methodId).changes === 1;
      if (!changed) return null;
      this.sql('UPDATE users SET updated_at = ? WHERE id = ?').run(now, userId);
      return this.loadUser(tenantId, userId);
    });
  }

  // --- client tokens ---

  private insertToken(tenantId: number, userId: number, token: NewClientToken, now: number): number {
    return Number(this.sql('INSERT INTO client_tokens (tenant_id, user_id, secret_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(tenantId, userId, token.secretHash, token.expiresAt, now).lastInsertRowid);
  }

  private revokeTokensOf(tenantId: number, userId: number, now: number) {
    this.sql('UPDATE client_tokens SET revoked_at = ? WHERE user_id = ? AND tenant_id = ? AND revoked_at IS NULL')
      .run(now, userId, tenantId);
  }

  createClientToken(tenantId: number, userId: number, token: NewClientToken, now: number) {
    return this.writes.write(() => {
      if (!this.sql('SELECT 1 FROM users WHERE id = ? AND tenant_id = ?').get(userId, tenantId)) return null;
      return this.insertToken(tenantId, userId, token, now);
    });
  }

  /** One statement: verify is the hottest path, and each statement is a read transaction. */
  async findClientToken(tenantId: number, tokenId: number) {
    const row = this.sql(`SELECT t.*, (SELECT json_object(${USER_JSON_FIELDS}, 'verifications', ${VERIFICATIONS_JSON})
        FROM users u WHERE u.id = t.user_id AND u.tenant_id = t.tenant_id) AS user
      FROM client_tokens t WHERE t.id = ? AND t.tenant_id = ?`).get(tokenId, tenantId) as { user: string | null } | undefined;
    if (!row) return null;
    return { token: toClientToken(row), user: row.user === null ? null : userFromRow(JSON.parse(row.user)) };
  }

  revokeClientTokens(tenantId: number, userId: number, now: number) {
    return this.writes.write(() => {
      if (!this.sql('SELECT 1 FROM users WHERE id = ? AND tenant_id = ?').get(userId, tenantId)) return false;
      this.revokeTokensOf(tenantId, userId, now);
      return true;
    });
  }

  purgeClientTokens(before: number) {
    return this.writes.write(() =>
      this.sql('DELETE FROM client_tokens WHERE expires_at < ? OR revoked_at < ?').run(before, before).changes);
  }

  touchApiKeys(lastUsed: Map<number, number>) {
    return this.touch('api_keys', lastUsed);
  }

  touchClientTokens(lastUsed: Map<number, number>) {
    return this.touch('client_tokens', lastUsed);
  }

  private async touch(table: 'api_keys' | 'client_tokens', lastUsed: Map<number, number>) {
    if (lastUsed.size === 0) return;
    await this.writes.write(() => {
      const update = this.sql(`UPDATE ${table} SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?`);
      for (const [id, at] of lastUsed) update.run(at, id);
    });
  }

  // --- templates and verify links ---

  createTemplate(tenantId: number, name: string, methodIds: number[], isDefault: boolean, now: number) {
    return this.writes.write(() => {
      let id: number | bigint;
      try {
        id = this.sql('INSERT INTO verification_templates (tenant_id, name, method_ids, is_default, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(tenantId, name, JSON.stringify(methodIds), isDefault ? 1 : 0, now).lastInsertRowid;
      } catch (e) {
        if (isUniqueViolation(e)) return 'name_taken' as const;
        throw e;
      }
      // Only once the insert succeeded: a taken name leaves the old default in place.
      if (isDefault) this.sql('UPDATE verification_templates SET is_default = 0 WHERE tenant_id = ? AND id <> ?').run(tenantId, id);
      return toTemplate(this.sql('SELECT * FROM verification_templates WHERE id = ?').get(id) as object);
    });
  }

  async findTemplate(tenantId: number, templateId: number) {
    const row = this.sql('SELECT * FROM verification_templates WHERE id = ? AND tenant_id = ?').get(templateId, tenantId);
    return row ? toTemplate(row) : null;
  }

  async findDefaultTemplate(tenantId: number) {
    const row = this.sql('SELECT * FROM verification_templates WHERE tenant_id = ? AND is_default = 1').get(tenantId);
    return row ? toTemplate(row) : null;
  }

  async listTemplates(tenantId: number) {
    return this.sql('SELECT * FROM verification_templates WHERE tenant_id = ? ORDER BY id').all(tenantId).map(toTemplate);
  }

  createVerifyLink(tenantId: number, userId: number, secretHash: Buffer, expiresAt: number, now: number) {
    return this.writes.write(() => {
      if (!this.sql('SELECT 1 FROM users WHERE id = ? AND tenant_id = ?').get(userId, tenantId)) return null;
      return Number(this.sql('INSERT INTO verify_links (tenant_id, user_id, secret_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(tenantId, userId, secretHash, expiresAt, now).lastInsertRowid);
    });
  }

  async findVerifyLink(tenantId: number, linkId: number) {
    const row = this.sql('SELECT * FROM verify_links WHERE id = ? AND tenant_id = ?').get(linkId, tenantId);
    return row ? toVerifyLink(row) : null;
  }
}
