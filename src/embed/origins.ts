import type { Tenant } from '../store/types.js';

/**
 * Embed origins are compared as the browser serialises an `Origin` header: lowercase scheme and
 * host, default port left out. A tenant's list is stored in that form, so the check at request
 * time is a plain string comparison: no suffix, wildcard or prefix matching.
 */
export function normalizeOrigin(text: string): string | null {
  if (typeof text !== 'string' || text.length > 300 || /[\s*]/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/') return null;
  if (!url.hostname) return null;
  return url.origin;
}

/** True only for an origin the tenant listed, byte for byte after normalisation. */
export function isAllowedOrigin(tenant: Pick<Tenant, 'embedOrigins'>, origin: string | undefined): origin is string {
  return typeof origin === 'string' && tenant.embedOrigins.includes(origin);
}

/** The CSP source list for `frame-ancestors`: the tenant's origins, or `'none'`. */
export function frameAncestors(tenant: Pick<Tenant, 'embedOrigins'>): string {
  return tenant.embedOrigins.length === 0 ? "'none'" : tenant.embedOrigins.join(' ');
}
