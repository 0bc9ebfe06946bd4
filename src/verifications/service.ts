import type { Clock } from '../clock.js';
import type { Store, Tenant } from '../store/store.js';
import type { TemplateRecord, UserRecord, VerificationRecord } from '../store/types.js';
import { COMPLETE, isMethod, isStatus } from './catalogue.js';

export type SetStatusResult = UserRecord | 'user_not_found' | 'method_not_assigned' | 'invalid_status';

export type CreateTemplateResult = TemplateRecord | 'name_taken' | 'invalid_name' | 'invalid_methods';

const REMOVED = 6;

/**
 * A user is complete when every verification they still have (Removed ones do not count) is
 * Complete, and they have at least one.
 */
export function allComplete(verifications: Array<Pick<VerificationRecord, 'status'>>): boolean {
  const live = verifications.filter((v) => v.status !== REMOVED);
  return live.length > 0 && live.every((v) => v.status === COMPLETE);
}

/** Per-user verification statuses and the templates that decide which methods a user gets. */
export class VerificationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async setStatus(tenant: Tenant, userId: number, methodId: number, status: number): Promise<SetStatusResult> {
    if (!(await this.store.findUser(tenant.id, userId))) return 'user_not_found';
    if (!isStatus(status)) return 'invalid_status';
    const user = await this.store.setVerificationStatus(tenant.id, userId, methodId, status, this.clock());
    // Null here means the user lacks the method (or was deleted meanwhile: same answer as a
    // race the caller could not see).
    return user ?? 'method_not_assigned';
  }

  async createTemplate(tenant: Tenant, name: string, methodIds: number[], isDefault: boolean): Promise<CreateTemplateResult> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) return 'invalid_name';
    const unique = [...new Set(methodIds)];
    if (unique.length === 0 || !unique.every(isMethod)) return 'invalid_methods';
    return this.store.createTemplate(tenant.id, trimmed, unique.sort((a, b) => a - b), isDefault, this.clock());
  }

  listTemplates(tenant: Tenant): Promise<TemplateRecord[]> {
    return this.store.listTemplates(tenant.id);
  }
}
