import type { FastifyInstance } from 'fastify';
import { errors } from '../http/errors.js';
import type { Tenant } from '../store/store.js';
import { DEFAULT_RATE_LIMITS, type RateLimitDefaults, type RateLimiter, type Window } from './limiter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route mints client tokens: it also counts against the per-user mint quota. */
    mintQuota?: boolean;
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

function keyWindows(tenant: Tenant, defaults: RateLimitDefaults): Window[] {
  return [
    { limit: tenant.rateLimitPerMinute ?? defaults.perMinute, ms: MINUTE },
    { limit: tenant.rateLimitPerSecond ?? defaults.perSecond, ms: SECOND },
  ];
}

const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts one client-token mint for the user against the per-user quota; 429 when over. */
    checkMintQuota(tenant: Tenant, userId: number): Promise<void>;
  }
}

/**
 * The per-key limit runs right after authentication on every API-key route.
 * `X-RateLimit-Limit` is the key's per-minute limit and `X-RateLimit-Remaining` what is left
 * of it; a request refused by either window is a 429 with `Retry-After` and a remaining count
 * of 0. The per-user mint quota counts mints that passed validation (routes marked
 * `mintQuota`, and verify-link opens through `app.checkMintQuota`).
 */
export function registerRateLimits(app: FastifyInstance, limiter: RateLimiter, defaults: RateLimitDefaults = DEFAULT_RATE_LIMITS): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.auth !== 'api-key') return;
    const tenant = request.tenant;
    const windows = keyWindows(tenant, defaults);
    const perKey = await limiter.hit(`key:${tenant.id}:${request.apiKey.id}`, windows);
    reply.header('x-ratelimit-limit', String(windows[0].limit));
    reply.header('x-ratelimit-remaining', String(perKey.allowed ? Math.max(0, windows[0].limit - perKey.used[0]) : 0));
    if (!perKey.allowed) throw errors.rateLimited(retryAfterSeconds(perKey.retryAfterMs));
  });

  app.decorate('checkMintQuota', async (tenant: Tenant, userId: number) => {
    const perUser = await limiter.hit(`mint:${tenant.id}:${userId}`, [{ limit: tenant.mintLimitPerMinute ?? defaults.mintsPerMinute, ms: MINUTE }]);
    if (!perUser.allowed) throw errors.rateLimited(retryAfterSeconds(perUser.retryAfterMs));
  });

  // After validation: a malformed mint request is refused without using up the quota.
  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.config.mintQuota) return;
    await app.checkMintQuota(request.tenant, Number((request.params as { id: string }).id));
  });
}
