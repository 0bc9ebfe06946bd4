import { afterAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from './helpers/backends.js';
import { request, type Response } from './helpers/http.js';
import { spawnTessera, type SpawnedTessera } from './helpers/spawn.js';

/**
 * Every write the server acknowledged must be in force after SIGKILL: no buffered commit, no
 * lost revocation. Requests are still in flight when the process dies; only those answered
 * 200 count as acknowledged.
 */
describe.each(backends)('acknowledged writes survive SIGKILL on $name', (backend) => {
  let db: TestDatabase;
  let server: SpawnedTessera | undefined;
  afterAll(async () => { await server?.stop(); await db?.drop(); });

  it('finds every acknowledged mint, revoke and user create after a restart', async () => {
    db = await backend.createDatabase();
    // A load test, not a rate-limit test: the service-wide limits are lifted for it.
    const env = { ...db.env, TESSERA_RATE_LIMIT: '1000000/min,100000/s', TESSERA_MINT_LIMIT: '1000000/min' };
    server = await spawnTessera(db.cliArgs, env);
    const key = /^\s+(\d+\|[A-Za-z0-9]{40})$/m.exec(server.output())![1];
    const host = `demo.localhost:${server.port}`;
    const port = server.port;
    const api = (method: string, path: string, body?: unknown) =>
      request(port, path, { method, host, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });

    // Users whose tokens will be revoked under load, each with a live token beforehand.
    const doomed: Array<{ userId: number; token: string }> = [];
    for (let i = 0; i < 20; i++) {
      const created = await api('POST', '/api/users', { email: `doomed${i}@example.com` });
      doomed.push({ userId: created.json.id, token: created.json.token });
    }

    const minted: string[] = [];
    const revokedUsers: number[] = [];
    const createdUsers: number[] = [];
    let acknowledged = 0;
    const track = (p: Promise<Response>, onOk: (r: Response) => void) =>
      p.then((r) => { if (r.status === 200) { acknowledged++; onOk(r); } }, () => { /* killed mid-flight */ });

    const inFlight: Promise<void>[] = [];
    let killed = false;
    const killAfter = 150;
    for (let i = 0; i < 400 && !killed; i++) {
      const kind = i % 4;
      if (kind === 0 && i / 4 < doomed.length) {
        const { userId } = doomed[i / 4];
        inFlight.push(track(api('DELETE', `/api/users/${userId}/token`), () => revokedUsers.push(userId)));
      } else if (kind === 1) {
        inFlight.push(track(api('POST', '/api/users', { email: `load${i}@example.com` }), (r) => createdUsers.push(r.json.id)));
      } else {
        inFlight.push(track(api('POST', '/api/users/1/token'), (r) => minted.push(r.json.token)));
      }
      if (i % 16 === 15) await Promise.race([Promise.all(inFlight.slice(-16)), new Promise((r) => setTimeout(r, 50))]);
      if (acknowledged >= killAfter) { server.proc.kill('SIGKILL'); killed = true; }
    }
    if (!killed) server.proc.kill('SIGKILL');
    await Promise.all(inFlight);
    await server.stop();
    expect(acknowledged).toBeGreaterThanOrEqual(killAfter);
    expect(revokedUsers.length).toBeGreaterThan(0);

    server = await spawnTessera(db.cliArgs, env);
    const again = (path: string, auth: string) =>
      request(server!.port, path, { host: `demo.localhost:${server!.port}`, headers: { authorization: `Bearer ${auth}` } });

    for (const token of minted) expect((await again('/api/embed/session', token)).status).toBe(200);
    for (const { userId, token } of doomed) {
      const res = await again('/api/embed/session', token);
      if (revokedUsers.includes(userId)) expect(res.json?.code, `user ${userId}`).toBe('token_revoked');
    }
    for (const id of createdUsers) expect((await again(`/api/users/${id}`, key)).status).toBe(200);
  });
});
