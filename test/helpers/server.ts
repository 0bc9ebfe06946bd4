import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { MemoryRateLimiter } from '../../src/ratelimit/memory.js';
import { createServices, type Services } from '../../src/services.js';
import type { Store, Tenant } from '../../src/store/store.js';
import type { TestDatabase } from './backends.js';
import { request, type RequestOptions } from './http.js';

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let now = start;
  const clock = () => now;
  clock.set = (ms: number) => { now = ms; };
  clock.advance = (ms: number) => { now += ms; };
  return clock;
}

export interface TestServer {
  port: number;
  app: FastifyInstance;
  store: Store;
  services: Services;
  /** Every log line the server wrote, as text. */
  logs: string[];
  /** A tenant with one API key, created through the services. */
  addTenant(name: string): Promise<{ tenant: Tenant; key: string }>;
  /** An API-key request to a tenant's host. */
  call(tenantName: string, key: string, method: string, path: string, options?: RequestOptions): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Tessera on a real database and a real port, with its log captured. */
export interface TestServerOptions {
  clock?: () => number;
  /**
   * Rate limiting as `tessera serve` has it. By default limits so high that no test meets
   * them, so every API-key response still carries the X-RateLimit headers.
   */
  rateLimits?: AppOptions['rateLimits'];
  trustProxy?: boolean;
}

const UNREACHABLE_LIMITS = { perMinute: 1_000_000, perSecond: 1_000_000, mintsPerMinute: 1_000_000 };

export async function startTestServer(db: TestDatabase, options: TestServerOptions = {}): Promise<TestServer> {
  const store = await db.open();
  await store.migrate();
  const services = createServices(store, options.clock);
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(chunk.toString()); done(); } });
  const rateLimits = options.rateLimits ?? { limiter: new MemoryRateLimiter(), defaults: UNREACHABLE_LIMITS };
  const app = await buildApp({ services, baseDomain: 'localhost', logger: createLogger('debug', sink), rateLimits, trustProxy: options.trustProxy });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;

  return {
    port, app, store, services, logs,
    async addTenant(name) {
      const tenant = await services.tenants.create(name);
      if (typeof tenant === 'string') throw new Error(`tenant ${name}: ${tenant}`);
      const { key } = await services.keys.create(tenant, 'test');
      return { tenant, key };
    },
    call(tenantName, key, method, path, opts = {}) {
      return request(port, path, {
        ...opts, method, host: `${tenantName}.localhost:${port}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...opts.headers },
      });
    },
    async close() {
      await app.close();
      await services.lastUsed.stop();
      await rateLimits.limiter.close();
      await store.close();
    },
  };
}
