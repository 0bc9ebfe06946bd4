import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { allowDemoOrigin } from './demo/setup.js';
import { createLogger } from './logger.js';
import { openRateLimiter } from './ratelimit/open.js';
import { seedBanner, seedIfEmpty, type SeedResult } from './seed.js';
import { createServices, type Services } from './services.js';
import { openStore } from './store/open.js';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** Revoked and expired tokens are kept a day, so late callers still hear why they failed. */
const PURGE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the configured database, brings its schema up to date and, on an empty database,
 * seeds the demo tenant. Done once per start: by the server, or by the primary of --workers.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<{ services: Services; seed: SeedResult | null }> {
  const store = await openStore(config);
  const applied = await store.migrate();
  if (applied.length > 0) logger.info({ versions: applied }, 'applied migrations');
  const services = createServices(store);
  return { services, seed: config.seed ? await seedIfEmpty(services) : null };
}

export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const { services, seed } = await prepareDatabase(config, logger);
  const { store } = services;

  const limiter = openRateLimiter(config, logger);
  const app = await buildApp({ services, baseDomain: config.baseDomain, logger, demo: config.seed, rateLimits: { limiter, defaults: config.rateLimits }, trustProxy: config.trustProxy });
  await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://${seed?.tenant ?? 'demo'}.${config.baseDomain}:${port}`;
  if (config.seed) await allowDemoOrigin(services, url);
  if (seed) process.stdout.write(seedBanner(seed, url) + '\n');
  // Last line of start-up: scripts (and the tests) wait for it.
  logger.info({ port, baseDomain: config.baseDomain }, 'tessera ready');

  services.lastUsed.start();
  const purge = setInterval(() => {
    store.purgeClientTokens(services.clock() - PURGE_AFTER_MS).catch((err) => logger.warn({ err }, 'token purge failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  let closing: Promise<void> | null = null;
  const close = () => (closing ??= (async () => {
    clearInterval(purge);
    await app.close();
    await services.lastUsed.stop();
    await limiter.close();
    await store.close();
  })());
  return { app, services, url, close };
}
