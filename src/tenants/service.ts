import type { Clock } from '../clock.js';
import type { Store, Tenant, TenantSettings } from '../store/store.js';

/** A tenant name is one DNS label: it is the tenant's sub-domain. */
export const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Tenants are read on every request (from the Host header) and change rarely, so lookups are
 * cached briefly. Nothing security-critical lives here: keys and tokens are never cached.
 */
export class TenantService {
  private readonly cache = new Map<string, { tenant: Tenant | null; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs = 1000,
  ) {}

  async create(name: string): Promise<Tenant | 'invalid_name' | 'name_taken'> {
    if (!TENANT_NAME.test(name)) return 'invalid_name';
    const created = await this.store.createTenant(name, this.clock());
    this.cache.delete(name);
    return created;
  }

  async findByName(name: string): Promise<Tenant | null> {
    const now = this.clock();
    const hit = this.cache.get(name);
    if (hit && hit.until > now) return hit.tenant;
    const tenant = TENANT_NAME.test(name) ? await this.store.findTenantByName(name) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(name, { tenant, until: now + this.cacheMs });
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.store.listTenants();
  }

  async update(name: string, settings: TenantSettings): Promise<Tenant | null> {
    const tenant = await this.store.findTenantByName(name);
    if (!tenant) return null;
    const updated = await this.store.updateTenant(tenant.id, settings);
    this.cache.delete(name);
    return updated;
  }
}
