import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { useServer } from './helpers/fixture.js';
import { manualClock } from './helpers/server.js';

describe.each(backends)('client token expiry on $name', (backend) => {
  const clock = manualClock(Date.UTC(2026, 5, 1, 8, 0, 0));
  const f = useServer(backend, { clock });

  const session = (token: string) => f.server.call('acme', token, 'GET', '/api/embed/session');

  it.each([60, 3600, 86400])('a %i s token is valid at t+ttl-1s and token_expired at t+ttl', async (ttl) => {
    const start = Date.UTC(2026, 5, 1, 8, 0, 0) + ttl * 1_000_000; // a fresh whole second per case
    clock.set(start);
    const userId = (await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: `expiry${ttl}@example.com` } })).json.id;
    const minted = await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${userId}/token`, { body: { expires_in: ttl } });
    expect(Date.parse(minted.json.expires_at)).toBe(start + ttl * 1000);

    clock.set(start + (ttl - 1) * 1000);
    expect((await session(minted.json.token)).status).toBe(200);

    clock.set(start + ttl * 1000);
    const expired = await session(minted.json.token);
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error_type: 'api_token_error', error_message: 'The client token has expired.', code: 'token_expired' });

    // Only the holder of the secret learns "expired": a wrong secret for the same id stays invalid.
    const [id] = Buffer.from(minted.json.token, 'base64').toString().split('|');
    const forged = Buffer.from(`${id}|${'Z'.repeat(40)}`).toString('base64');
    expect((await session(forged)).json.code).toBe('token_invalid');
  });

  it('uses the tenant\'s default lifetime when expires_in is absent', async () => {
    const start = Date.UTC(2027, 0, 1, 0, 0, 0);
    clock.set(start + 250); // mid-second: expiry counts from the start of the second
    const tenant = (await f.server.services.tenants.findByName('acme'))!;
    await f.server.services.tenants.update('acme', { tokenTtlSeconds: 120 });
    const userId = (await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: 'ttl@example.com' } })).json.id;
    const minted = await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${userId}/token`);
    expect(Date.parse(minted.json.expires_at)).toBe(start + 120_000);
    await f.server.services.tenants.update('acme', { tokenTtlSeconds: tenant.tokenTtlSeconds });
  });
});
