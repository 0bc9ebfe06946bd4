import type {
  ApiKeyRecord, ClientTokenRecord, Tenant, TenantSettings, TemplateRecord, UserRecord, VerificationRecord, VerifyLinkRecord,
} from './types.js';

/**
 * Row-to-record mapping shared by both dialects. Column names are the same in SQLite and
 * PostgreSQL; PostgreSQL returns BIGINT as strings, so every integer goes through `int`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- driver rows are untyped
type Row = any;

const int = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : int(v));

export function toTenant(r: Row): Tenant {
  return {
    id: int(r.id),
    name: r.name,
    tokenTtlSeconds: int(r.token_ttl_seconds),
    embedOrigins: JSON.parse(r.embed_origins),
    rateLimitPerMinute: intOrNull(r.rate_limit_per_minute),
    rateLimitPerSecond: intOrNull(r.rate_limit_per_second),
    mintLimitPerMinute: intOrNull(r.mint_limit_per_minute),
    createdAt: int(r.created_at),
  };
}

/** The columns an update of tenant settings writes: only the settings given. */
export function tenantSettingColumns(settings: TenantSettings): Array<[column: string, value: unknown]> {
  const columns: Record<string, unknown> = {
    token_ttl_seconds: settings.tokenTtlSeconds,
    embed_origins: settings.embedOrigins && JSON.stringify(settings.embedOrigins),
    rate_limit_per_minute: settings.rateLimitPerMinute,
    rate_limit_per_second: settings.rateLimitPerSecond,
    mint_limit_per_minute: settings.mintLimitPerMinute,
  };
  return Object.entries(columns).filter(([, v]) => v !== undefined);
}

export function toApiKey(r: Row): ApiKeyRecord {
  return {
    id: int(r.id),
    tenantId: int(r.tenant_id),
    name: r.name,
    secretHash: r.secret_hash,
    createdAt: int(r.created_at),
    lastUsedAt: intOrNull(r.last_used_at),
    revokedAt: intOrNull(r.revoked_at),
  };
}

export function toVerification(r: Row): VerificationRecord {
  return { methodId: int(r.method_id), status: int(r.status), updatedAt: int(r.updated_at) };
}

export function toUser(r: Row, verifications: VerificationRecord[]): UserRecord {
  return {
    id: int(r.id),
    tenantId: int(r.tenant_id),
    userId: r.user_id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    username: r.username,
    phone: r.phone,
    referenceId: r.reference_id,
    orderId: r.order_id,
    status: r.status,
    templateId: intOrNull(r.template_id),
    verifications,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export function toClientToken(r: Row): ClientTokenRecord {
  return {
    id: int(r.id),
    tenantId: int(r.tenant_id),
    userId: int(r.user_id),
    secretHash: r.secret_hash,
    expiresAt: int(r.expires_at),
    revokedAt: intOrNull(r.revoked_at),
    createdAt: int(r.created_at),
    lastUsedAt: intOrNull(r.last_used_at),
  };
}

export function toTemplate(r: Row): TemplateRecord {
  return {
    id: int(r.id),
    tenantId: int(r.tenant_id),
    name: r.name,
    methodIds: JSON.parse(r.method_ids),
    isDefault: Boolean(r.is_default),
    createdAt: int(r.created_at),
  };
}

export function toVerifyLink(r: Row): VerifyLinkRecord {
  return {
    id: int(r.id),
    tenantId: int(r.tenant_id),
    userId: int(r.user_id),
    secretHash: r.secret_hash,
    expiresAt: int(r.expires_at),
    createdAt: int(r.created_at),
  };
}

/** Groups verification rows by user id, for loading a page of users in one query. */
export function groupVerifications(rows: Row[]): Map<number, VerificationRecord[]> {
  const byUser = new Map<number, VerificationRecord[]>();
  for (const r of rows) {
    const id = int(r.user_id);
    let list = byUser.get(id);
    if (!list) byUser.set(id, (list = []));
    list.push(toVerification(r));
  }
  return byUser;
}

/** Column names for the user fields a PATCH may change (record key -> column). */
export const USER_COLUMNS = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  username: 'username',
  phone: 'phone',
  referenceId: 'reference_id',
  orderId: 'order_id',
  status: 'status',
} as const;

/** Escapes LIKE wildcards so a search for `50%` matches the literal text. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
