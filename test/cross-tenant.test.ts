import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { useServer } from './helpers/fixture.js';

const USER_NOT_FOUND = { error_type: 'api_user_error', error_message: 'User Not Found' };
const UNAUTHENTICATED = { error_type: 'api_auth_error', error_message: 'Unauthenticated.' };

describe.each(backends)('tenant isolation on $name', (backend) => {
  const f = useServer(backend);

  it('refuses everything across tenants exactly as if it were missing, and A keeps working', async () => {
    const a = (method: string, path: string, body?: unknown) => f.server.call('acme', f.acmeKey, method, path, { body });
    const b = (method: string, path: string, body?: unknown) => f.server.call('other', f.otherKey, method, path, { body });

    const created = await a('POST', '/api/users', { email: 'isolated@example.com', first_name: 'Iso' });
    const id = created.json.id as number;
    const token = (await a('POST', `/api/users/${id}/token`)).json.token as string;
    const missingId = id + 100_000;

    // A's key on B's host: the same 401 as an unknown key.
    const keyOnB = await f.server.call('other', f.acmeKey, 'GET', '/api/users');
    expect(keyOnB.status).toBe(401);
    expect(keyOnB.json).toEqual(UNAUTHENTICATED);

    // B reading, patching, deleting A's user, minting for it and revoking its tokens:
    // each answer equals the answer for an id that exists nowhere.
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/users/:id'],
      ['PATCH', '/users/:id', { first_name: 'Mallory' }],
      ['DELETE', '/users/:id'],
      ['POST', '/users/:id/token'],
      ['DELETE', '/users/:id/token'],
    ];
    for (const [method, path, body] of attempts) {
      for (const prefix of ['/api', '/account/api']) {
        const foreign = await b(method, prefix + path.replace(':id', String(id)), body);
        const missing = await b(method, prefix + path.replace(':id', String(missingId)), body);
        expect(foreign.status, `${method} ${path}`).toBe(404);
        expect(foreign.json, `${method} ${path}`).toEqual(USER_NOT_FOUND);
        expect(foreign.text).toBe(missing.text);
      }
    }
    // B's listing and email filter do not see it; B may even use the same email.
    expect((await b('GET', '/api/users?filter[email]=isolated@example.com')).json.meta.total).toBe(0);
    expect((await b('POST', '/api/users', { email: 'isolated@example.com' })).status).toBe(200);

    // A's client token on B's host is an invalid token there.
    const tokenOnB = await f.server.call('other', token, 'GET', '/api/embed/session');
    expect(tokenOnB.status).toBe(401);
    expect(tokenOnB.json.code).toBe('token_invalid');

    // Nothing B did changed A's user or revoked A's token.
    const user = await a('GET', `/api/users/${id}`);
    expect(user.json.data.first_name).toBe('Iso');
    const session = await f.server.call('acme', token, 'GET', '/api/embed/session');
    expect(session.status).toBe(200);
    expect(session.json.user.id).toBe(id);
  });
});
