import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DEFAULT_RATE_LIMITS } from '../src/ratelimit/limiter.js';
import { MemoryRateLimiter } from '../src/ratelimit/memory.js';
import { RedisRateLimiter } from '../src/ratelimit/redis.js';
import { sqliteBackend, type TestDatabase } from './helpers/backends.js';
import { runTessera } from './helpers/cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** The machine's Redis (CI starts it); TESSERA_TEST_REDIS_URL points elsewhere. */
const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE_LIMITED = { error_type: 'api_rate_limit_error', error_message: 'Too Many Requests' };

/** A port nothing listens on (taken and given back at once). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function waitForPort(port: number) {
  for (const until = Date.now() + 10_000; Date.now() < until; await sleep(50)) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
  }
  throw new Error(`nothing listens on port ${port}`);
}

function captureLog() {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write(chunk, _e, done) { lines.push(chunk.toString()); done(); } }));
  const count = (text: string) => lines.filter((l) => l.includes(text)).length;
  return { logger, lines, count };
}

const UNREACHABLE = 'Redis is unreachable';
const BACK = 'Redis is reachable again';

describe('rate limits on one instance', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await sqliteBackend.createDatabase();
    server = await startTestServer(db, { rateLimits: { limiter: new MemoryRateLimiter() } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('the 6th request in one second is 429 with Retry-After; every API-key response carries the headers', async () => {
    const { key } = await server.addTenant('burst');
    const statuses: number[] = [];
    const remaining: string[] = [];
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      const res = await server.call('burst', key, 'GET', '/api/users');
      statuses.push(res.status);
      remaining.push(res.headers['x-ratelimit-remaining'] as string);
      expect(res.headers['x-ratelimit-limit']).toBe('300');
      if (res.status === 429) {
        expect(res.json).toEqual(RATE_LIMITED);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(1);
      }
    }
    expect(Date.now() - started).toBeLessThan(900);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(remaining).toEqual(['299', '298', '297', '296', '295', '0']);

    // Errors other than 429 carry them too; a failed authentication does not (there is no key).
    await sleep(1000);
    const missing = await server.call('burst', key, 'GET', '/api/users/999999');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-ratelimit-remaining']).toBe('294');
    const anonymous = await server.call('burst', 'nope', 'GET', '/api/users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('counts per key: another key of the tenant, or of another tenant, has its own allowance', async () => {
    const { tenant, key } = await server.addTenant('two-keys');
    const { key: second } = await server.services.keys.create(tenant, 'second');
    for (let i = 0; i < 5; i++) expect((await server.call('two-keys', key, 'GET', '/api/users')).status).toBe(200);
    expect((await server.call('two-keys', key, 'GET', '/api/users')).status).toBe(429);
    expect((await server.call('two-keys', second, 'GET', '/api/users')).status).toBe(200);
  });

  it('a tenant\'s own limits apply at once', async () => {
    const { tenant, key } = await server.addTenant('roomy');
    await server.services.tenants.update(tenant.name, { rateLimitPerMinute: 600, rateLimitPerSecond: 20 });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await server.call('roomy', key, 'GET', '/api/users')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
    const last = await server.call('roomy', key, 'GET', '/api/users');
    expect(last.headers['x-ratelimit-limit']).toBe('600');
  });

  it('mints per end user are capped (token farming), in the same 429 shape', async () => {
    const { tenant, key } = await server.addTenant('farm');
    await server.services.tenants.update(tenant.name, { rateLimitPerSecond: 1000, mintLimitPerMinute: 3 });
    const farmed = await server.call('farm', key, 'POST', '/api/users', { body: { email: 'farmed@example.com' } });
    const other = await server.call('farm', key, 'POST', '/api/users', { body: { email: 'other@example.com' } });
    const mint = (id: number) => server.call('farm', key, 'POST', `/api/users/${id}/token`);
    for (let i = 0; i < 3; i++) expect((await mint(farmed.json.id)).status).toBe(200);
    const refused = await mint(farmed.json.id);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual(RATE_LIMITED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
    expect(refused.headers['x-ratelimit-limit']).toBe('300');
    expect((await mint(other.json.id)).status).toBe(200);
    // Other routes for that user are not mints.
    expect((await server.call('farm', key, 'GET', `/api/users/${farmed.json.id}`)).status).toBe(200);
    expect(DEFAULT_RATE_LIMITS.mintsPerMinute).toBe(30);
  });

  it('routes without an API key are not limited: health and embed routes', async () => {
    for (let i = 0; i < 10; i++) expect((await server.call('burst', 'x', 'GET', '/healthz')).status).toBe(200);
  });
});

describe('setting limits', () => {
  it('`tessera tenant set --rate-limit/--mint-limit` stores per-tenant limits; "default" clears them', async () => {
    const db = await sqliteBackend.createDatabase();
    try {
      await runTessera(['tenant', 'create', 'acme', ...db.cliArgs]);
      const set = await runTessera(['tenant', 'set', 'acme', '--rate-limit', '600/min,20/s', '--mint-limit', '100/min', '--json', ...db.cliArgs]);
      expect(set).toMatchObject({ rate_limit_per_minute: 600, rate_limit_per_second: 20, mint_limit_per_minute: 100 });
      const cleared = await runTessera(['tenant', 'set', 'acme', '--rate-limit', 'default', '--json', ...db.cliArgs]);
      expect(cleared).toMatchObject({ rate_limit_per_minute: null, rate_limit_per_second: null, mint_limit_per_minute: 100 });
      const bad = await runTessera(['tenant', 'set', 'acme', '--rate-limit', '600/hour', ...db.cliArgs]).catch((e) => e);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('tessera: --rate-limit must look like 600/min,20/s (or "default"), got "600/hour"\n');
    } finally {
      await db.drop();
    }
  });

  it('service-wide defaults come from TESSERA_RATE_LIMIT and TESSERA_MINT_LIMIT', () => {
    expect(loadConfig({}, {}).rateLimits).toEqual({ perMinute: 300, perSecond: 5, mintsPerMinute: 30 });
    expect(loadConfig({}, { TESSERA_RATE_LIMIT: '1000/min', TESSERA_MINT_LIMIT: '5/min' }).rateLimits).toEqual({ perMinute: 1000, perSecond: 5, mintsPerMinute: 5 });
    expect(loadConfig({}, { TESSERA_RATE_LIMIT: '50/s' }).rateLimits).toEqual({ perMinute: 300, perSecond: 50, mintsPerMinute: 30 });
    // The flag of `tenant set` is not a service-wide setting.
    expect(loadConfig({ 'rate-limit': '1/s' }, {}).rateLimits).toEqual({ perMinute: 300, perSecond: 5, mintsPerMinute: 30 });
    expect(() => loadConfig({}, { TESSERA_MINT_LIMIT: '5/s' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { TESSERA_RATE_LIMIT: 'lots' })).toThrow('TESSERA_RATE_LIMIT must look like 300/min,5/s, got "lots"');
  });
});

describe('rate limits through Redis', () => {
  let db: TestDatabase;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    db = await sqliteBackend.createDatabase();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function instance(url: string, prefix: string, logger = captureLog().logger) {
    const server = await startTestServer(db, { rateLimits: { limiter: new RedisRateLimiter(url, logger, prefix) } });
    servers.push(server);
    return server;
  }

  it('two instances share one limit', async () => {
    const prefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
    const logA = captureLog();
    const a = await instance(REDIS_URL, prefix, logA.logger);
    const b = await instance(REDIS_URL, prefix);
    await waitFor(() => logA.count('shared across instances through Redis') === 1, 'Redis connection');
    const tenant = `shared-${randomBytes(3).toString('hex')}`;
    const { key } = await a.addTenant(tenant);
    const results: Array<[string, number, string]> = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2 === 0 ? a : b;
      const res = await server.call(tenant, key, 'GET', '/api/users');
      results.push([server === a ? 'A' : 'B', res.status, res.headers['x-ratelimit-remaining'] as string]);
    }
    expect(results).toEqual([
      ['A', 200, '299'], ['B', 200, '298'], ['A', 200, '297'], ['B', 200, '296'], ['A', 200, '295'], ['B', 429, '0'],
    ]);
    expect(logA.count(UNREACHABLE)).toBe(0);
  });

  it('with Redis unreachable, requests are still served, limited per instance, and the log says so once', async () => {
    const log = captureLog();
    const server = await instance(`redis://127.0.0.1:${await closedPort()}`, 'unused:', log.logger);
    const { key } = await server.addTenant('no-redis');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await server.call('no-redis', key, 'GET', '/api/users');
      expect(res.headers['x-ratelimit-limit']).toBe('300');
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await sleep(2500); // several reconnection attempts fail meanwhile
    expect((await server.call('no-redis', key, 'GET', '/api/users')).status).toBe(200);
    expect(log.count(UNREACHABLE)).toBe(1);
    expect(log.count(BACK)).toBe(0);
  });

  it('says once when Redis goes away and once when it is back (a Redis of the test\'s own)', async () => {
    const port = await closedPort();
    const startRedis = () => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      return child;
    };
    let redis: ChildProcess = startRedis();
    try {
      await waitForPort(port);
      const log = captureLog();
      const server = await instance(`redis://127.0.0.1:${port}`, 'own:', log.logger);
      await waitFor(() => log.count('shared across instances through Redis') === 1, 'Redis connection');
      const { key } = await server.addTenant('flaky-redis');
      await server.services.tenants.update('flaky-redis', { rateLimitPerSecond: 1000 });
      expect((await server.call('flaky-redis', key, 'GET', '/api/users')).status).toBe(200);

      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      for (let i = 0; i < 5; i++) {
        expect((await server.call('flaky-redis', key, 'GET', '/api/users')).status).toBe(200);
        await sleep(300);
      }
      expect(log.count(UNREACHABLE)).toBe(1);

      redis = startRedis();
      await waitFor(() => log.count(BACK) === 1, 'reconnection', 15_000);
      expect((await server.call('flaky-redis', key, 'GET', '/api/users')).status).toBe(200);
      expect(log.count(UNREACHABLE)).toBe(1);
      expect(log.count(BACK)).toBe(1);
    } finally {
      redis.kill('SIGKILL');
    }
  });
});
