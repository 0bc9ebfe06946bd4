import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ClientTokenService } from '../client-tokens/service.js';
import type { Store, Tenant } from '../store/store.js';
import type { UserFields, UserPage, UserQuery, UserRecord } from '../store/types.js';
import { formatClientToken } from '../tokens/credential.js';
import { BUILT_IN_DEFAULT_METHODS } from '../verifications/catalogue.js';

export interface NewUserInput extends Partial<UserFields> {
  email: string;
  templateId?: number;
}

export type CreateUserResult =
  | { user: UserRecord; token: string; expiresAt: number }
  | 'email_taken'
  | 'template_invalid';

/** 24 random bytes as base64url: opaque and unguessable, safe in URLs and HTML. */
const newOpaqueUserId = () => randomBytes(24).toString('base64url');

export const DEFAULT_USER_STATUS = 'Active';

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly tokens: ClientTokenService,
  ) {}

  async create(tenant: Tenant, input: NewUserInput): Promise<CreateUserResult> {
    const template = input.templateId !== undefined
      ? await this.store.findTemplate(tenant.id, input.templateId)
      : await this.store.findDefaultTemplate(tenant.id);
    if (input.templateId !== undefined && !template) return 'template_invalid';

    const { secret, record } = this.tokens.prepare(tenant);
    const created = await this.store.createUser(tenant.id, {
      userId: newOpaqueUserId(),
      email: input.email,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      username: input.username ?? null,
      phone: input.phone ?? null,
      referenceId: input.referenceId ?? null,
      orderId: input.orderId ?? null,
      status: input.status ?? DEFAULT_USER_STATUS,
      templateId: template?.id ?? null,
      methodIds: template?.methodIds ?? BUILT_IN_DEFAULT_METHODS,
    }, record, this.clock());
    if (created === 'email_taken') return created;
    return { user: created.user, token: formatClientToken(created.tokenId, secret), expiresAt: record.expiresAt };
  }

  find(tenant: Tenant, userId: number): Promise<UserRecord | null> {
    return this.store.findUser(tenant.id, userId);
  }

  list(tenant: Tenant, query: UserQuery): Promise<UserPage> {
    return this.store.listUsers(tenant.id, query);
  }

  update(tenant: Tenant, userId: number, changes: Partial<UserFields>): Promise<UserRecord | null | 'email_taken'> {
    return this.store.updateUser(tenant.id, userId, changes, this.clock());
  }

  /** Also revokes every client token of the user, in the same transaction. */
  delete(tenant: Tenant, userId: number): Promise<boolean> {
    return this.store.deleteUser(tenant.id, userId, this.clock());
  }
}
