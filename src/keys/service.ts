import type { Clock } from '../clock.js';
import type { Store, Tenant } from '../store/store.js';
import type { ApiKeyRecord } from '../store/types.js';
import { formatApiKey, newSecret, parseCredential } from '../tokens/credential.js';
import { secretMatches } from '../tokens/secret.js';
import type { LastUsedRecorder } from '../usage/last-used.js';

/** API keys: server-to-server credentials of one tenant, `<id>|<40 alnum>`. */
export class KeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  /** The plaintext key exists only in this return value; the store keeps its SHA-256. */
  async create(tenant: Tenant, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const { secret, secretHash } = newSecret();
    const record = await this.store.createApiKey(tenant.id, name, secretHash, this.clock());
    return { record, key: formatApiKey(record.id, secret) };
  }

  list(tenant: Tenant): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys(tenant.id);
  }

  revoke(tenant: Tenant, keyId: number): Promise<boolean> {
    return this.store.revokeApiKey(tenant.id, keyId, this.clock());
  }

  /**
   * The live key of this tenant that `credential` names, or null. A missing key still costs a
   * hash and a compare, so the answer takes the same time whether or not the id exists.
   */
  async authenticate(tenant: Tenant, credential: string): Promise<ApiKeyRecord | null> {
    const parsed = parseCredential(credential);
    if (!parsed) return null;
    const record = await this.store.findApiKey(tenant.id, parsed.id);
    if (!secretMatches(parsed.secret, record?.secretHash) || !record || record.revokedAt !== null) return null;
    this.lastUsed.keyUsed(record.id, this.clock());
    return record;
  }
}
