import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { LATEST_VERSION } from '../src/store/migrations/index.js';
import { createServices } from '../src/services.js';
import type { Store } from '../src/store/store.js';
import { backends } from './helpers/backends.js';
import { request } from './helpers/http.js';

/** An app on `store` as it is (migrated or not, open or closed), on a real port. */
async function serve(store: Store) {
  const app = await buildApp({ services: createServices(store), baseDomain: 'localhost', logger: createLogger('silent') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as { port: number }).port };
}

const HOSTS = ['demo.localhost', 'no-such-tenant.localhost', '127.0.0.1', 'example.org'];

describe.each(backends)('health checks on $name', (backend) => {
  it('/healthz and /readyz answer on any host when the database is current', async () => {
    const db = await backend.createDatabase();
    const store = await db.open();
    await store.migrate();
    const { app, port } = await serve(store);
    try {
      for (const host of HOSTS) {
        const health = await request(port, '/healthz', { host });
        expect(health.status).toBe(200);
        expect(health.headers['content-type']).toMatch(/^application\/json/);
        expect(health.json).toEqual({ status: 'ok' });
        const ready = await request(port, '/readyz', { host, headers: { 'content-type': 'application/json' } });
        expect(ready.status).toBe(200);
        expect(ready.json).toEqual({ status: 'ready', database: 'ok', schema: { current: LATEST_VERSION, latest: LATEST_VERSION } });
      }
    } finally {
      await app.close();
      await store.close();
      await db.drop();
    }
  });

  it('/readyz is 503 while migrations are pending', async () => {
    const db = await backend.createDatabase();
    const store = await db.open();
    const { app, port } = await serve(store);
    try {
      const ready = await request(port, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: 'not_ready', reason: 'migrations_pending', schema: { current: 0, latest: LATEST_VERSION } });
      await store.migrate();
      expect((await request(port, '/readyz')).status).toBe(200);
    } finally {
      await app.close();
      await store.close();
      await db.drop();
    }
  });

  it('/readyz is 503 when the database cannot be reached; /healthz still 200', async () => {
    const db = await backend.createDatabase();
    const store = await db.open();
    await store.migrate();
    const { app, port } = await serve(store);
    try {
      await store.close();
      const ready = await request(port, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: 'not_ready', reason: 'database_unreachable' });
      expect((await request(port, '/healthz')).status).toBe(200);
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
