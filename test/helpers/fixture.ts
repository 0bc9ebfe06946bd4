import { afterAll, beforeAll } from 'vitest';
import type { Backend, TestDatabase } from './backends.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

export const PREFIXES = ['/api', '/account/api'] as const;

/** `<digits>|<40 alnum>`, what a client token decodes to. */
export const CLIENT_TOKEN_PLAINTEXT = /^\d+\|[A-Za-z0-9]{40}$/;

export interface Fixture {
  server: TestServer;
  db: TestDatabase;
  /** Tenant "acme" and tenant "other", one API key each. */
  acmeKey: string;
  otherKey: string;
}

/**
 * A server on a fresh database of `backend` for the enclosing describe block. The returned
 * object is filled in by beforeAll, so read its fields inside tests only.
 */
export function useServer(backend: Backend, options: TestServerOptions = {}): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    fixture.db = await backend.createDatabase();
    fixture.server = await startTestServer(fixture.db, options);
    fixture.acmeKey = (await fixture.server.addTenant('acme')).key;
    fixture.otherKey = (await fixture.server.addTenant('other')).key;
  });
  afterAll(async () => {
    await fixture.server?.close();
    await fixture.db?.drop();
  });
  return fixture;
}

let emailCounter = 0;
export const uniqueEmail = (tag = 'user') => `${tag}.${process.pid}.${++emailCounter}@example.com`;
