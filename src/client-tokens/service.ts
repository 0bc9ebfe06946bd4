import type { Clock } from '../clock.js';
import type { TokenErrorCode } from '../http/errors.js';
import type { Store, Tenant } from '../store/store.js';
import type { ClientTokenRecord, NewClientToken, UserRecord } from '../store/types.js';
import { formatClientToken, newSecret, parseClientToken } from '../tokens/credential.js';
import { secretMatches } from '../tokens/secret.js';
import type { LastUsedRecorder } from '../usage/last-used.js';

export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 86_400;

export type TokenCheck =
  | { valid: true; token: ClientTokenRecord; user: UserRecord }
  | { valid: false; code: TokenErrorCode };

/** A freshly generated client token: the plaintext for the caller, the hash for the store. */
export interface MintedSecret {
  secret: string;
  record: NewClientToken;
}

/** Client tokens: short-lived, one user each, handed to the browser. */
export class ClientTokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  /**
   * Expiry counts from the start of the current second, so the `expires_at` the client sees
   * (whole seconds) is exactly when the token stops working.
   */
  prepare(tenant: Tenant, expiresInSeconds?: number): MintedSecret {
    const ttl = expiresInSeconds ?? tenant.tokenTtlSeconds;
    const { secret, secretHash } = newSecret();
    const startOfSecond = Math.floor(this.clock() / 1000) * 1000;
    return { secret, record: { secretHash, expiresAt: startOfSecond + ttl * 1000 } };
  }

  /** Null when the user does not exist in this tenant. */
  async mint(tenant: Tenant, userId: number, expiresInSeconds?: number): Promise<{ token: string; expiresAt: number } | null> {
    const { secret, record } = this.prepare(tenant, expiresInSeconds);
    const id = await this.store.createClientToken(tenant.id, userId, record, this.clock());
    return id === null ? null : { token: formatClientToken(id, secret), expiresAt: record.expiresAt };
  }

  /** Revokes every live token of the user; false when the user does not exist in this tenant. */
  revokeAll(tenant: Tenant, userId: number): Promise<boolean> {
    return this.store.revokeClientTokens(tenant.id, userId, this.clock());
  }

  /**
   * Only a caller whose secret matched learns `token_expired` or `token_revoked`. Every other
   * failure is `token_invalid`, after the same hash-and-compare as a real check.
   */
  async check(tenant: Tenant, credential: string): Promise<TokenCheck> {
    const parsed = parseClientToken(credential);
    if (!parsed) return { valid: false, code: 'token_invalid' };
    const found = await this.store.findClientToken(tenant.id, parsed.id);
    if (!secretMatches(parsed.secret, found?.token.secretHash) || !found) return { valid: false, code: 'token_invalid' };
    const { token, user } = found;
    // A deleted user's tokens were revoked with it; the missing user row says the same.
    if (token.revokedAt !== null || user === null) return { valid: false, code: 'token_revoked' };
    const now = this.clock();
    if (now >= token.expiresAt) return { valid: false, code: 'token_expired' };
    this.lastUsed.tokenUsed(token.id, now);
    return { valid: true, token, user };
  }
}
