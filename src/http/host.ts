import { TENANT_NAME } from '../tenants/service.js';

/**
 * The tenant name a Host header names: `{sub}.{baseDomain}`, case-insensitive, port ignored.
 * Null for anything else: no Host, another domain, nested sub-domains, an IP literal.
 */
export function tenantNameFromHost(host: string | undefined, baseDomain: string): string | null {
  if (typeof host !== 'string' || host.length > 300) return null;
  const name = host.toLowerCase().replace(/:\d{1,5}$/, '');
  const suffix = `.${baseDomain}`;
  if (!name.endsWith(suffix)) return null;
  const sub = name.slice(0, -suffix.length);
  return TENANT_NAME.test(sub) ? sub : null;
}

/**
 * The scheme and host a client used to reach this server, for links it will follow back.
 * Behind a trusted proxy (`--trust-proxy`) fastify takes both from X-Forwarded-Proto/-Host.
 */
export function requestOrigin(request: { protocol: string; host: string }): string {
  return `${request.protocol}://${request.host}`;
}
