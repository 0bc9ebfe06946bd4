import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenCheck } from '../client-tokens/service.js';
import type { Services } from '../services.js';
import type { Tenant } from '../store/store.js';
import type { ApiKeyRecord } from '../store/types.js';
import { readBearer } from './bearer.js';
import { errors } from './errors.js';
import { tenantNameFromHost } from './host.js';

/** What a route needs before its handler runs: nothing, a tenant, or a tenant and a credential. */
export type RouteAuth = 'tenant' | 'api-key' | 'client-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    tenant: Tenant;
    apiKey: ApiKeyRecord;
    session: Extract<TokenCheck, { valid: true }>;
  }
}

/**
 * Runs first on every route that declares `config.auth`: the Host names the tenant, then the
 * bearer credential must be a live credential of that tenant and of the route's kind. Body
 * parsing and validation come after, so an anonymous caller learns nothing about input rules.
 */
export function registerAuth(app: FastifyInstance, services: Services, baseDomain: string): void {
  app.decorateRequest('tenant', null as unknown as Tenant);
  app.decorateRequest('apiKey', null as unknown as ApiKeyRecord);
  app.decorateRequest('session', null as unknown as FastifyRequest['session']);

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const name = tenantNameFromHost(request.headers.host, baseDomain);
    const tenant = name === null ? null : await services.tenants.findByName(name);
    if (!tenant) throw errors.accountNotFound();
    request.tenant = tenant;

    if (auth === 'api-key') {
      const credential = readBearer(request.headers.authorization);
      const key = credential === null ? null : await services.keys.authenticate(tenant, credential);
      if (!key) throw errors.unauthenticated();
      request.apiKey = key;
    } else if (auth === 'client-token') {
      const credential = readBearer(request.headers.authorization);
      const check = credential === null
        ? { valid: false as const, code: 'token_invalid' as const }
        : await services.clientTokens.check(tenant, credential);
      if (!check.valid) throw errors.token(check.code);
      request.session = check;
    }
  });
}
