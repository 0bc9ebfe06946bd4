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

/**
 * Runs right after authentication on every API-key route. `X-RateLimit-Limit` is the key's
 * per-minute limit and `X-RateLimit-Remaining` what is left of it; a request refused by either
 * window (or by the mint quota) is a 429 with `Retry-After` and a remaining count of 0.
 */
export function registerRateLimits(app: FastifyInstance, limiter: RateLimiter, defaults: RateLimitDefaults = DEFAULT_RATE_LIMITS): void {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.auth !== 'api-key') return;
    const tenant = request.tenant;
    const windows = keyWindows(tenant, defaults);
    const perKey = await limiter.hit(`key:${tenant.id}:${request.apiKey.id}`, windows);
    reply.header('x-ratelimit-limit', String(windows[0].limit));
    reply.header('x-ratelimit-remaining', String(perKey.allowed ? Math.max(0, windows[0].limit - perKey.used[0]) : 0));
    if (!perKey.allowed) throw errors.rateLimited(retryAfterSeconds(perKey.retryAfterMs));

    const userId = (request.params as { id?: string }).id;
    if (config.mintQuota && userId !== undefined && /^\d{1,15}$/.test(userId)) {
      const perUser = await limiter.hit(`mint:${tenant.id}:${userId}`, [{ limit: tenant.mintLimitPerMinute ?? defaults.mintsPerMinute, ms: MINUTE }]);
      if (!perUser.allowed) throw errors.rateLimited(retryAfterSeconds(perUser.retryAfterMs));
    }
  });
}
