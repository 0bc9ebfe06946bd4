import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import { clientTokenRoutes } from './client-tokens/routes.js';
import { demoRoutes } from './demo/routes.js';
import { embedPageRoutes } from './embed/pages.js';
import { embedRoutes } from './embed/routes.js';
import { healthRoutes } from './health/routes.js';
import { registerAuth } from './http/auth.js';
import { registerBodyParsers } from './http/body.js';
import { registerValidators } from './http/validators.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandlers, rejectConnect } from './http/error-handler.js';
import { ErrorBody } from './http/schemas.js';
import { registerRateLimits } from './ratelimit/hook.js';
import type { RateLimitDefaults, RateLimiter } from './ratelimit/limiter.js';
import type { Services } from './services.js';
import { User } from './users/schema.js';
import { userRoutes } from './users/routes.js';
import { verificationRoutes } from './verifications/routes.js';
import { verifyLinkRoutes } from './verify-links/routes.js';

export interface AppOptions {
  services: Services;
  baseDomain: string;
  logger: Logger;
  /** Per-API-key limits and the per-user mint quota; without it nothing is limited. */
  rateLimits?: { limiter: RateLimiter; defaults?: RateLimitDefaults };
  /** Serve the demo shop at /demo on the demo tenant (the server turns this on with the seed). */
  demo?: boolean;
  /** Behind a reverse proxy: take scheme and host for generated links from X-Forwarded-*. */
  trustProxy?: boolean;
}

export const BODY_LIMIT = 1024 * 1024;

/** Both prefixes carry every API route: `/account/api` for 2021 clients, `/api` for current ones. */
export const API_PREFIXES = ['/api', '/account/api'];

const apiFeatures = [userRoutes, clientTokenRoutes, embedRoutes, verificationRoutes, verifyLinkRoutes];

export async function buildApp({ services, baseDomain, logger, demo = false, rateLimits, trustProxy = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by the one line below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    clientErrorHandler,
    frameworkErrors,
    trustProxy,
    // A request without Host reaches the tenant check (404 JSON) instead of Node's bare 400.
    http: { requireHostHeader: false },
    // Long ids must reach authentication and then be a plain 404, not a router 400.
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
  });

  app.addSchema(ErrorBody);
  app.addSchema(User);
  app.server.on('connect', rejectConnect);
  registerValidators(app);
  registerBodyParsers(app);
  registerErrorHandlers(app);
  registerAuth(app, services, baseDomain);
  if (rateLimits) registerRateLimits(app, rateLimits.limiter, rateLimits.defaults);
  else app.decorate('checkMintQuota', async () => {});

  await app.register(swagger, {
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      info: { title: 'Tessera', version: '1', description: 'Users and client tokens for embedded widgets. Every route is also served under /account/api.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key `<id>|<40 alnum>` (server to server)' },
          clientToken: { type: 'http', scheme: 'bearer', description: 'Client token (browser, one user)' },
        },
      },
    },
  });

  // One line per request, with no headers or URL: nothing secret can ride along.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      tenant: request.tenant?.name ?? null,
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    }, 'request');
  });

  for (const prefix of API_PREFIXES) {
    await app.register(async (scope) => {
      // The 2021 prefix is the same API; the document lists it once.
      if (prefix !== '/api') scope.addHook('onRoute', (route) => { route.schema = { ...route.schema, hide: true }; });
      for (const feature of apiFeatures) feature(scope, services);
    }, { prefix });
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, services.store);
  // Browser pages outside the API prefixes: the loader, the hosted panel, verify links.
  embedPageRoutes(app, services);
  if (demo) demoRoutes(app, services);
  return app;
}
