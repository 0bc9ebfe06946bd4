import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresBackend, type TestDatabase } from './helpers/backends.js';
import { request, type Response } from './helpers/http.js';
import { runTessera as tessera } from './helpers/cli.js';
import { spawnTessera, type SpawnedTessera as ServeProcess } from './helpers/spawn.js';

/**
 * Several `tessera serve` processes on one database behave as one service. Real processes,
 * built CLI, real PostgreSQL: nothing is shared between the instances but the database.
 */
const TENANT = 'scale';
const ROUNDS = 100;

// Skipped only when TESSERA_TEST_BACKENDS leaves PostgreSQL out on purpose.
describe.skipIf(!backends.includes(postgresBackend))('two instances on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServeProcess;
  let b: ServeProcess;
  let key: string;

  beforeAll(async () => {
    db = await postgresBackend.createDatabase();
    await tessera(['migrate', ...db.cliArgs]);
    await tessera(['tenant', 'create', TENANT, ...db.cliArgs]);
    // This test is about revocation, not rate limits: lift them for its tenant.
    await tessera(['tenant', 'set', TENANT, '--rate-limit', '1000000/min,100000/s', '--mint-limit', '1000000/min', ...db.cliArgs]);
    key = (await tessera(['key', 'create', TENANT, '--json', ...db.cliArgs])).key;
    [a, b] = await Promise.all([spawnTessera(['--no-seed'], db.env), spawnTessera(['--no-seed'], db.env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  const call = (server: ServeProcess, method: string, path: string, credential: string, body?: unknown) =>
    request(server.port, path, {
      method, host: `${TENANT}.localhost:${server.port}`, body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    });

  async function newUser(server: ServeProcess, n: number): Promise<number> {
    const res = await call(server, 'POST', '/api/users', key, { email: `u${n}.${Date.now()}@example.com` });
    expect(res.status).toBe(200);
    return res.json.id;
  }

  interface Attempt { server: 'A' | 'B'; sentAt: number; res: Response }

  /**
   * Verifies `token` over and over on both instances from `lanes` concurrent loops, until
   * `stop()` is called and every loop has sent at least `after` more requests to A.
   */
  function verifyInFlight(token: string, lanes = 4) {
    const attempts: Attempt[] = [];
    let stopAt: number | null = null;
    const loops = Array.from({ length: lanes }, async (_, lane) => {
      let sentToAAfterStop = 0;
      for (let i = 0; ; i++) {
        if (stopAt !== null && sentToAAfterStop >= 2) return;
        const server = (i + lane) % 3 === 2 ? 'B' : 'A';
        const sentAt = performance.now();
        const res = await call(server === 'A' ? a : b, 'GET', '/api/embed/session', token);
        attempts.push({ server, sentAt, res });
        if (stopAt !== null && server === 'A' && sentAt > stopAt) sentToAAfterStop++;
      }
    });
    return {
      attempts,
      successes: () => attempts.filter((x) => x.res.status === 200).length,
      finish: async (at: number) => { stopAt = at; await Promise.all(loops); },
    };
  }

  async function waitUntil(check: () => boolean) {
    for (let i = 0; !check(); i++) {
      if (i > 500) throw new Error('verifications never succeeded');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  it(`mint on A, verify on B; revoke on B and A refuses at once (${ROUNDS} rounds, verifications in flight)`, async () => {
    let afterRevoke = 0;
    let inFlightSuccesses = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const userId = await newUser(a, round);
      const minted = await call(a, 'POST', `/api/users/${userId}/token`, key);
      expect(minted.status).toBe(200);
      const token = minted.json.token as string;
      const onB = await call(b, 'GET', '/api/embed/session', token);
      expect(onB.status).toBe(200);
      expect(onB.json.user.id).toBe(userId);

      const inFlight = verifyInFlight(token);
      await waitUntil(() => inFlight.successes() >= 2);
      const revoke = await call(b, 'DELETE', `/api/users/${userId}/token`, key);
      const revokedAt = performance.now();
      expect(revoke.status).toBe(200);
      const firstOnA = await call(a, 'GET', '/api/embed/session', token);
      await inFlight.finish(revokedAt);

      expect(firstOnA.status).toBe(401);
      expect(firstOnA.json.code).toBe('token_revoked');
      const late = inFlight.attempts.filter((x) => x.sentAt > revokedAt);
      expect(late.filter((x) => x.server === 'A').length).toBeGreaterThan(0);
      expect(late.filter((x) => x.res.status !== 401 || x.res.json.code !== 'token_revoked')).toEqual([]);
      afterRevoke += late.length + 1;
      inFlightSuccesses += inFlight.successes();
    }
    // What was measured: verifications sent after the revocation returned, all refused.
    expect(afterRevoke).toBeGreaterThan(ROUNDS * 3);
    expect(inFlightSuccesses).toBeGreaterThanOrEqual(ROUNDS * 2);
  }, 120_000);

  it('deleting the user on B ends their tokens on A at once', async () => {
    for (let round = 0; round < 10; round++) {
      const userId = await newUser(b, 1000 + round);
      const minted = await call(b, 'POST', `/api/users/${userId}/token`, key);
      expect((await call(a, 'GET', '/api/embed/session', minted.json.token)).status).toBe(200);
      expect((await call(b, 'DELETE', `/api/users/${userId}`, key)).status).toBe(200);
      const res = await call(a, 'GET', '/api/embed/session', minted.json.token);
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('token_revoked');
    }
  });

  it('a key revoked with `tessera key revoke` is refused by both instances at once', async () => {
    const created = await tessera(['key', 'create', TENANT, '--json', ...db.cliArgs]);
    expect((await call(a, 'GET', '/api/users', created.key)).status).toBe(200);
    expect((await call(b, 'GET', '/api/users', created.key)).status).toBe(200);
    await tessera(['key', 'revoke', TENANT, String(created.id), ...db.cliArgs]);
    for (const server of [a, b]) {
      const res = await call(server, 'GET', '/api/users', created.key);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error_type: 'api_auth_error', error_message: 'Unauthenticated.' });
    }
  });
});

describe.each(backends)('tessera serve --workers on $name', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => { db = await backend.createDatabase(); });
  afterAll(async () => { await db?.drop(); });

  it('forks the workers, seeds once, serves from several processes, and stops on SIGTERM', async () => {
    const server = await spawnTessera(['--workers', '2'], db.env);
    try {
      // Both workers up: each logs its own "listening" line, with its own pid.
      const deadline = Date.now() + 20_000;
      const pids = () => new Set([...server.output().matchAll(/"pid":(\d+)[^\n]*Server listening at/g)].map((m) => m[1]));
      while (pids().size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(pids().size).toBe(2);
      expect(pids().has(String(server.proc.pid))).toBe(false);

      const banner = server.output().match(/Created tenant "demo"/g) ?? [];
      expect(banner).toHaveLength(1);
      const seedKey = /^ {2}(\d+\|[A-Za-z0-9]{40})$/m.exec(server.output())![1];
      const host = `demo.localhost:${server.port}`;
      const list = await request(server.port, '/api/users', { host, headers: { authorization: `Bearer ${seedKey}` } });
      expect(list.status).toBe(200);
      expect(list.json.meta.total).toBe(2);
      expect((await request(server.port, '/readyz')).status).toBe(200);
      expect(await tessera(['tenant', 'list', '--json', ...db.cliArgs])).toHaveLength(1);
    } finally {
      await server.stop();
    }
    expect(server.proc.exitCode).toBe(0);
  }, 60_000);
});
