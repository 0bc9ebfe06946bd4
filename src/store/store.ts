import type {
  ApiKeyRecord, ClientTokenRecord, NewClientToken, NewUser, Tenant, TenantSettings,
  TemplateRecord, UserFields, UserPage, UserQuery, UserRecord, VerifyLinkRecord,
} from './types.js';

export type { Tenant, TenantSettings } from './types.js';

/**
 * The one seam between Tessera and its database. Services depend on this interface alone;
 * each database has one implementation, and `test/store.contract.test.ts` holds the suite every
 * implementation must pass.
 *
 * Every lookup below a tenant takes the tenant id: a row of another tenant is never returned,
 * so it looks exactly like a missing one. Expected outcomes (missing row, taken email) are
 * return values. A write resolves only once it is durable.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  /** Applies pending migrations; returns the versions it applied. */
  migrate(): Promise<number[]>;
  /** The newest applied migration version, and the newest this build knows. */
  schemaVersion(): Promise<{ current: number; latest: number }>;
  close(): Promise<void>;

  createTenant(name: string, now: number): Promise<Tenant | 'name_taken'>;
  findTenantByName(name: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;
  updateTenant(tenantId: number, settings: TenantSettings): Promise<Tenant | null>;

  createApiKey(tenantId: number, name: string, secretHash: Buffer, now: number): Promise<ApiKeyRecord>;
  findApiKey(tenantId: number, keyId: number): Promise<ApiKeyRecord | null>;
  listApiKeys(tenantId: number): Promise<ApiKeyRecord[]>;
  /** False when the key does not exist in this tenant or was already revoked. */
  revokeApiKey(tenantId: number, keyId: number, now: number): Promise<boolean>;

  /**
   * Creates the user, their pending verifications and a first client token in one
   * transaction (the create response carries a token).
   */
  createUser(
    tenantId: number, user: NewUser, token: NewClientToken, now: number,
  ): Promise<{ user: UserRecord; tokenId: number } | 'email_taken'>;
  findUser(tenantId: number, userId: number): Promise<UserRecord | null>;
  listUsers(tenantId: number, query: UserQuery): Promise<UserPage>;
  updateUser(
    tenantId: number, userId: number, changes: Partial<UserFields>, now: number,
  ): Promise<UserRecord | null | 'email_taken'>;
  /** Deletes the user and revokes all their client tokens in the same transaction. */
  deleteUser(tenantId: number, userId: number, now: number): Promise<boolean>;
  /** Null when the user has no verification of that method. */
  setVerificationStatus(
    tenantId: number, userId: number, methodId: number, status: number, now: number,
  ): Promise<UserRecord | null>;

  /** Null when the user does not exist in this tenant. */
  createClientToken(tenantId: number, userId: number, token: NewClientToken, now: number): Promise<number | null>;
  /** The token and its (still existing) user, in one read. */
  findClientToken(tenantId: number, tokenId: number): Promise<{ token: ClientTokenRecord; user: UserRecord | null } | null>;
  /** Revokes every live token of the user; false when the user does not exist in this tenant. */
  revokeClientTokens(tenantId: number, userId: number, now: number): Promise<boolean>;
  /** Removes tokens that expired or were revoked before `before`; returns how many. */
  purgeClientTokens(before: number): Promise<number>;

  /** Records last use without a write per request: callers batch and flush these maps. */
  touchApiKeys(lastUsed: Map<number, number>): Promise<void>;
  touchClientTokens(lastUsed: Map<number, number>): Promise<void>;

  createTemplate(tenantId: number, name: string, methodIds: number[], isDefault: boolean, now: number): Promise<TemplateRecord | 'name_taken'>;
  findTemplate(tenantId: number, templateId: number): Promise<TemplateRecord | null>;
  findDefaultTemplate(tenantId: number): Promise<TemplateRecord | null>;
  listTemplates(tenantId: number): Promise<TemplateRecord[]>;

  createVerifyLink(tenantId: number, userId: number, secretHash: Buffer, expiresAt: number, now: number): Promise<number | null>;
  findVerifyLink(tenantId: number, linkId: number): Promise<VerifyLinkRecord | null>;
}
