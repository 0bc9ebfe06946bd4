import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/services.js';
import type { Store, Tenant } from '../../src/store/store.js';
import { formatLinkCode, parseLinkCode } from '../../src/verify-links/service.js';
import { backends, type TestDatabase } from '../helpers/backends.js';
import { PREFIXES, uniqueEmail, useServer } from '../helpers/fixture.js';
import { request } from '../helpers/http.js';
import { manualClock } from '../helpers/server.js';

/** Changes one character of the secret (keeping the alphabet), like a hand-edited link. */
function tamper(code: string, at = -1): string {
  const i = at < 0 ? code.length + at : at;
  return code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
}

describe('link codes', () => {
  it('round-trips and refuses anything but <id>.<40 alnum>', () => {
    const secret = 'a'.repeat(40);
    expect(parseLinkCode(formatLinkCode(12, secret))).toEqual({ id: 12, secret });
    for (const bad of ['', '12', `12.${'a'.repeat(39)}`, `12.${'a'.repeat(41)}`, `0.${secret}`, `-1.${secret}`, `12|${secret}`, `12.${'a'.repeat(39)}!`, `1234567890123456.${secret}`]) {
      expect(parseLinkCode(bad), bad).toBeNull();
    }
  });
});

describe.each(backends)('verify link checks on $name', (backend) => {
  const clock = manualClock();
  let db: TestDatabase;
  let store: Store;
  let services: Services;
  let acme: Tenant;
  let other: Tenant;
  let userId: number;

  beforeAll(async () => {
    db = await backend.createDatabase();
    store = await db.open();
    await store.migrate();
    services = createServices(store, clock);
    acme = (await services.tenants.create('acme')) as Tenant;
    other = (await services.tenants.create('other')) as Tenant;
    const created = await services.users.create(acme, { email: 'link@example.com' });
    if (typeof created === 'string') throw new Error(created);
    userId = created.user.id;
  });
  afterAll(async () => { await store.close(); await db.drop(); });

  it('accepts the link as issued, for its own user', async () => {
    const link = (await services.verifyLinks.create(acme, userId, 1))!;
    const check = await services.verifyLinks.check(acme, link.code);
    expect(check.valid).toBe(true);
    if (check.valid) expect(check.user.id).toBe(userId);
    expect(link.expiresAt).toBe(clock() + 3_600_000);
  });

  it('refuses a tampered secret, a tampered id, and a malformed code, all alike', async () => {
    const link = (await services.verifyLinks.create(acme, userId))!;
    const second = (await services.verifyLinks.create(acme, userId))!;
    const [id, secret] = link.code.split('.');
    const otherId = second.code.split('.')[0];
    for (const code of [tamper(link.code), tamper(link.code, id.length + 1), `${otherId}.${secret}`, `${id}.${secret.toLowerCase() === secret ? secret.toUpperCase() : secret.toLowerCase()}`, `${link.code}x`, 'garbage', '']) {
      expect(await services.verifyLinks.check(acme, code), code).toEqual({ valid: false, reason: 'invalid' });
    }
    expect((await services.verifyLinks.check(acme, link.code)).valid).toBe(true);
  });

  it('refuses another tenant\'s link exactly like a missing one', async () => {
    const link = (await services.verifyLinks.create(acme, userId))!;
    expect(await services.verifyLinks.check(other, link.code)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('expires at the stated time, and only the true holder learns it expired', async () => {
    const link = (await services.verifyLinks.create(acme, userId, 2))!;
    clock.set(link.expiresAt - 1);
    expect((await services.verifyLinks.check(acme, link.code)).valid).toBe(true);
    clock.set(link.expiresAt);
    expect(await services.verifyLinks.check(acme, link.code)).toEqual({ valid: false, reason: 'expired' });
    expect(await services.verifyLinks.check(acme, tamper(link.code))).toEqual({ valid: false, reason: 'invalid' });
  });

  it('stops working when the user is deleted, and cannot be made for a missing user', async () => {
    const created = await services.users.create(acme, { email: 'gone@example.com' });
    if (typeof created === 'string') throw new Error(created);
    const link = (await services.verifyLinks.create(acme, created.user.id))!;
    await services.users.delete(acme, created.user.id);
    expect(await services.verifyLinks.check(acme, link.code)).toEqual({ valid: false, reason: 'invalid' });
    expect(await services.verifyLinks.create(acme, created.user.id)).toBeNull();
    expect(await services.verifyLinks.create(other, userId)).toBeNull();
  });

  it('stores only a SHA-256 of the secret', async () => {
    const link = (await services.verifyLinks.create(acme, userId))!;
    const { id, secret } = parseLinkCode(link.code)!;
    const row = (await store.findVerifyLink(acme.id, id))!;
    expect(row.secretHash.length).toBe(32);
    expect(row.secretHash.toString('latin1')).not.toContain(secret);
  });
});

describe.each(backends)('POST /users/{id}/verify-url and the link page on $name', (backend) => {
  const f = useServer(backend);
  const acme = (method: string, path: string, body?: unknown) => f.server.call('acme', f.acmeKey, method, path, { body });
  const open = (url: string, headers: Record<string, string> = {}) => {
    const u = new URL(url);
    return request(f.server.port, u.pathname, { host: u.host, headers });
  };

  it.each(PREFIXES)('returns short and full URLs on the tenant host that open the panel (%s)', async (prefix) => {
    const id = (await acme('POST', `${prefix}/users`, { email: uniqueEmail('link'), first_name: 'Lin' })).json.id;
    for (const body of [undefined, {}, [], { expiration_hours: 1 }, { expiration_hours: 720 }]) {
      const res = await acme('POST', `${prefix}/users/${id}/verify-url`, body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['full_url', 'short_url']);
      expect(res.json.full_url).toMatch(new RegExp(`^http://acme\\.localhost:${f.server.port}/account/verify/\\d+\\.[A-Za-z0-9]{40}$`));
    }
    const { short_url, full_url } = (await acme('POST', `${prefix}/users/${id}/verify-url`)).json;
    const redirect = await open(short_url);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(new URL(full_url).pathname);

    const page = await open(full_url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // The page's own client token works on the embed routes, for this user only.
    const config = JSON.parse(/<script id="tessera-config" type="application\/json">(.*?)<\/script>/s.exec(page.text)![1]);
    expect(config.mode).toBe('page');
    const session = await f.server.call('acme', config.token, 'GET', '/api/embed/session');
    expect(session.status).toBe(200);
    expect(session.json.user).toMatchObject({ id, first_name: 'Lin' });
  });

  it('answers a tampered link with an error page, or JSON when asked', async () => {
    const id = (await acme('POST', '/api/users', { email: uniqueEmail('link') })).json.id;
    const { full_url } = (await acme('POST', `/api/users/${id}/verify-url`)).json;
    const page = await open(tamper(full_url));
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link is not valid');
    expect(page.text).not.toContain('tessera-config');
    const json = await open(tamper(full_url), { accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(json.json).toEqual({ error_type: 'api_link_error', error_message: 'This link is not valid.', code: 'link_invalid' });
    // Another tenant's host does not open acme's link.
    const elsewhere = await request(f.server.port, new URL(full_url).pathname, { host: `other.localhost:${f.server.port}` });
    expect(elsewhere.status).toBe(404);
  });

  it('validates expiration_hours and scopes the user to the tenant', async () => {
    const id = (await acme('POST', '/api/users', { email: uniqueEmail('link') })).json.id;
    for (const expiration_hours of [0, 721, 'soon', 1.5, -1]) {
      const res = await acme('POST', `/api/users/${id}/verify-url`, { expiration_hours });
      expect(res.status, String(expiration_hours)).toBe(422);
      expect(res.json.error_type).toBe('api_validation_error');
    }
    const theirs = (await f.server.call('other', f.otherKey, 'POST', '/api/users', { body: { email: uniqueEmail('o') } })).json.id;
    expect((await acme('POST', `/api/users/${theirs}/verify-url`)).json).toEqual({ error_type: 'api_user_error', error_message: 'User Not Found' });
    expect((await acme('POST', '/api/users/999999/verify-url')).status).toBe(404);
    expect((await f.server.call('acme', 'nope', 'POST', `/api/users/${id}/verify-url`)).status).toBe(401);
  });
});

describe.each(backends)('an expired link page on $name', (backend) => {
  const clock = manualClock(Date.now());
  const f = useServer(backend, { clock });

  it('says the link expired (410), as a page or as JSON', async () => {
    const id = (await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: uniqueEmail('exp') } })).json.id;
    const { full_url } = (await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${id}/verify-url`, { body: { expiration_hours: 1 } })).json;
    const path = new URL(full_url).pathname;
    const host = `acme.localhost:${f.server.port}`;
    expect((await request(f.server.port, path, { host })).status).toBe(200);
    clock.advance(3_600_000);
    const page = await request(f.server.port, path, { host });
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    const json = await request(f.server.port, path, { host, headers: { accept: 'application/json' } });
    expect(json.json.code).toBe('link_expired');
  });
});
