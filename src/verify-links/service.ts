import type { Clock } from '../clock.js';
import type { Store, Tenant } from '../store/store.js';
import type { UserRecord, VerifyLinkRecord } from '../store/types.js';
import { newSecret } from '../tokens/credential.js';
import { secretMatches } from '../tokens/secret.js';

export const DEFAULT_LINK_HOURS = 24;
export const MAX_LINK_HOURS = 720;

/** `<link id>.<40 chars of [A-Za-z0-9]>`: safe in a URL path as is. */
const LINK_CODE = /^([1-9][0-9]{0,14})\.([A-Za-z0-9]{40})$/;

export type LinkCheck =
  | { valid: true; link: VerifyLinkRecord; user: UserRecord }
  | { valid: false; reason: 'invalid' | 'expired' };

export function formatLinkCode(id: number, secret: string): string {
  return `${id}.${secret}`;
}

export function parseLinkCode(code: string): { id: number; secret: string } | null {
  const match = typeof code === 'string' ? LINK_CODE.exec(code) : null;
  return match ? { id: Number(match[1]), secret: match[2] } : null;
}

/**
 * Verify links: a user opens their panel as a full page, without a client token. The link
 * carries a random secret of which only the SHA-256 is stored, so any change to the link
 * (id or secret) fails the constant-time compare, and the link stops working at its expiry.
 */
export class VerifyLinkService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Null when the user does not exist in this tenant. */
  async create(tenant: Tenant, userId: number, hours = DEFAULT_LINK_HOURS): Promise<{ code: string; expiresAt: number } | null> {
    const { secret, secretHash } = newSecret();
    const now = this.clock();
    const expiresAt = now + hours * 3_600_000;
    const id = await this.store.createVerifyLink(tenant.id, userId, secretHash, expiresAt, now);
    return id === null ? null : { code: formatLinkCode(id, secret), expiresAt };
  }

  /** Only a caller whose secret matched learns that the link expired; anything else is invalid. */
  async check(tenant: Tenant, code: string): Promise<LinkCheck> {
    const parsed = parseLinkCode(code);
    if (!parsed) return { valid: false, reason: 'invalid' };
    const link = await this.store.findVerifyLink(tenant.id, parsed.id);
    if (!secretMatches(parsed.secret, link?.secretHash) || !link) return { valid: false, reason: 'invalid' };
    if (this.clock() >= link.expiresAt) return { valid: false, reason: 'expired' };
    const user = await this.store.findUser(tenant.id, link.userId);
    if (!user) return { valid: false, reason: 'invalid' };
    return { valid: true, link, user };
  }
}
