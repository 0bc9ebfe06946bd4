/** Records as the store hands them out. Times are Unix epoch milliseconds throughout. */

export interface Tenant {
  id: number;
  name: string;
  tokenTtlSeconds: number;
  /** Origins (scheme://host[:port]) allowed to frame the panel and call embed routes. */
  embedOrigins: string[];
  /** Per-key request limits; null means the service defaults. */
  rateLimitPerMinute: number | null;
  rateLimitPerSecond: number | null;
  /** Client tokens one end user may be minted per minute; null means the service default. */
  mintLimitPerMinute: number | null;
  createdAt: number;
}

export type TenantSettings = Partial<
  Pick<Tenant, 'tokenTtlSeconds' | 'embedOrigins' | 'rateLimitPerMinute' | 'rateLimitPerSecond' | 'mintLimitPerMinute'>
>;

export interface ApiKeyRecord {
  id: number;
  tenantId: number;
  name: string;
  secretHash: Buffer;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface UserFields {
  email: string;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
  referenceId: string | null;
  orderId: string | null;
  status: string;
}

export interface VerificationRecord {
  methodId: number;
  status: number;
  updatedAt: number;
}

export interface UserRecord extends UserFields {
  id: number;
  tenantId: number;
  /** Opaque, unguessable id for embeds. */
  userId: string;
  templateId: number | null;
  verifications: VerificationRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface NewUser extends UserFields {
  userId: string;
  templateId: number | null;
  /** Method ids the user starts with, each at status 0 (Pending). */
  methodIds: number[];
}

export interface ClientTokenRecord {
  id: number;
  tenantId: number;
  userId: number;
  secretHash: Buffer;
  expiresAt: number;
  revokedAt: number | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface NewClientToken {
  secretHash: Buffer;
  expiresAt: number;
}

export interface TemplateRecord {
  id: number;
  tenantId: number;
  name: string;
  methodIds: number[];
  isDefault: boolean;
  createdAt: number;
}

export interface VerifyLinkRecord {
  id: number;
  tenantId: number;
  userId: number;
  secretHash: Buffer;
  expiresAt: number;
  createdAt: number;
}

export type UserSortField = 'id' | 'first_name' | 'last_name' | 'email' | 'created_at' | 'updated_at';

export interface UserQuery {
  page: number;
  perPage: number;
  search?: string;
  email?: string;
  status?: string;
  sort: UserSortField;
  descending: boolean;
}

export interface UserPage {
  users: UserRecord[];
  total: number;
}
