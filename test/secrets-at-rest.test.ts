import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, sqliteBackend } from './helpers/backends.js';
import { useServer } from './helpers/fixture.js';

/** Every form a secret could be written in: the whole credential and the 40-char secret alone. */
function forms(credential: string): string[] {
  const plain = credential.includes('|') ? credential : Buffer.from(credential, 'base64').toString();
  return [credential, plain, plain.split('|')[1]];
}

/** Mints, uses, revokes and lists, so every code path that touches a secret has run. */
async function exercise(f: ReturnType<typeof useServer>): Promise<string[]> {
  const secrets = [f.acmeKey, f.otherKey];
  const user = await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: 'secret.keeper@example.com' } });
  secrets.push(user.json.token);
  for (let i = 0; i < 3; i++) {
    const minted = await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${user.json.id}/token`);
    secrets.push(minted.json.token);
    await f.server.call('acme', minted.json.token, 'GET', '/api/embed/session');
  }
  // Failures log too: a wrong key, a token on the wrong route, a revoked token.
  await f.server.call('acme', `${f.acmeKey.slice(0, -1)}x`, 'GET', '/api/users');
  await f.server.call('acme', secrets[3], 'GET', '/api/users');
  await f.server.call('acme', f.acmeKey, 'DELETE', `/api/users/${user.json.id}/token`);
  await f.server.call('acme', secrets[3], 'GET', '/api/embed/session');
  const { key } = await f.server.services.keys.create((await f.server.services.tenants.findByName('acme'))!, 'second');
  secrets.push(key);
  await f.server.call('acme', key, 'GET', '/api/users');
  await f.server.services.lastUsed.flush();
  return secrets.flatMap(forms);
}

describe.each(backends)('secrets in logs on $name', (backend) => {
  const f = useServer(backend);

  it('writes no key or token, in any form, to the log', async () => {
    const secrets = await exercise(f);
    const log = f.server.logs.join('');
    expect(log).toContain('"route":"/api/embed/session"'); // the log did capture the requests
    for (const s of secrets) expect(log.includes(s), 'a secret reached the log').toBe(false);
  });
});

describe('secrets at rest on sqlite', () => {
  const f = useServer(sqliteBackend);

  it('stores no key or token, in any form, anywhere in the database files', async () => {
    const secrets = await exercise(f);
    const file = f.db.file!;
    const files = readdirSync(dirname(file)).map((name) => join(dirname(file), name));
    expect(files.some((p) => p.endsWith('-wal'))).toBe(true); // the WAL is checked too
    const bytes = Buffer.concat(files.map((p) => readFileSync(p)));
    expect(bytes.includes(Buffer.from('secret.keeper@example.com'))).toBe(true); // the data is there
    for (const s of secrets) expect(bytes.includes(Buffer.from(s)), 'a secret reached the disk').toBe(false);
  });
});
