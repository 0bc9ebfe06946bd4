import { afterAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type TestDatabase } from './helpers/backends.js';
import { CLIENT_TOKEN_PLAINTEXT } from './helpers/fixture.js';
import { request } from './helpers/http.js';
import { spawnTessera, type SpawnedTessera } from './helpers/spawn.js';

describe('first start on an empty database, end to end', () => {
  let db: TestDatabase;
  let server: SpawnedTessera;
  afterAll(async () => { await server?.stop(); await db?.drop(); });

  it('prints a key once, and the printed curl lines mint, verify and revoke', async () => {
    db = await sqliteBackend.createDatabase();
    server = await spawnTessera(db.cliArgs, {}, { viaNpx: true });
    const out = server.output();
    const key = /^\s+(\d+\|[A-Za-z0-9]{40})$/m.exec(out)?.[1];
    expect(key, out).toBeDefined();
    const curl = /curl -X POST '(http:\/\/demo\.localhost:\d+)(\/account\/api\/users\/(\d+)\/token)'/.exec(out);
    expect(curl, out).not.toBeNull();
    const [, origin, path, userId] = curl!;
    expect(origin).toBe(`http://demo.localhost:${server.port}`);
    expect(out.match(new RegExp(key!.replace('|', '\\|'), 'g'))!.length).toBe(3); // banner + two curl lines, nothing else

    // The seed's exact headers and no body.
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` };
    const host = `demo.localhost:${server.port}`;
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const minted = await request(server.port, path, { method: 'POST', host, headers });
      expect(minted.status).toBe(200);
      expect(Buffer.from(minted.json.token, 'base64').toString()).toMatch(CLIENT_TOKEN_PLAINTEXT);
      tokens.push(minted.json.token);
    }
    for (const token of tokens) {
      const session = await request(server.port, '/api/embed/session', { host, headers: { Authorization: `Bearer ${token}` } });
      expect(session.status).toBe(200);
      expect(session.json.user.id).toBe(Number(userId));
      expect(session.json.account).toEqual({ name: 'demo' });
    }

    const revoked = await request(server.port, path, { method: 'DELETE', host, headers });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    for (const token of tokens) {
      for (const prefix of ['/api', '/account/api']) {
        const session = await request(server.port, `${prefix}/embed/session`, { host, headers: { Authorization: `Bearer ${token}` } });
        expect(session.status).toBe(401);
        expect(session.json.error_type).toBe('api_token_error');
        expect(session.json.code).toBe('token_revoked');
      }
    }
  });

  it('does not seed again, nor print a key, on the next start', async () => {
    await server.stop();
    server = await spawnTessera(db.cliArgs);
    expect(server.output()).not.toMatch(/\d+\|[A-Za-z0-9]{40}/);
  });
});
