import { describe, expect, it } from 'vitest';
import { frameAncestors, isAllowedOrigin, normalizeOrigin } from '../../src/embed/origins.js';
import { backends } from '../helpers/backends.js';
import { PREFIXES, uniqueEmail, useServer } from '../helpers/fixture.js';
import { request } from '../helpers/http.js';

describe('embed origins', () => {
  it('normalises to the browser\'s serialisation', () => {
    expect(normalizeOrigin('https://Shop.Example.com')).toBe('https://shop.example.com');
    expect(normalizeOrigin('https://shop.example.com:443/')).toBe('https://shop.example.com');
    expect(normalizeOrigin('http://shop.localhost:8080')).toBe('http://shop.localhost:8080');
    expect(normalizeOrigin('http://[::1]:3000')).toBe('http://[::1]:3000');
  });

  it('refuses paths, queries, credentials, wildcards and other schemes', () => {
    for (const bad of ['https://shop.example.com/checkout', 'https://shop.example.com?x=1', 'https://shop.example.com#x', 'https://u:p@shop.example.com',
      'https://*.example.com', '*', 'null', 'shop.example.com', 'ftp://shop.example.com', 'javascript:alert(1)', 'https://', ' https://a.com', '']) {
      expect(normalizeOrigin(bad), bad).toBeNull();
    }
  });

  it('matches exactly: scheme, host and port, no suffix or prefix tricks', () => {
    const tenant = { embedOrigins: ['https://shop.example.com', 'http://localhost:3000'] };
    expect(isAllowedOrigin(tenant, 'https://shop.example.com')).toBe(true);
    expect(isAllowedOrigin(tenant, 'http://localhost:3000')).toBe(true);
    for (const origin of ['http://shop.example.com', 'https://shop.example.com:8443', 'https://evil-shop.example.com', 'https://shop.example.com.evil.com',
      'https://example.com', 'https://a.shop.example.com', 'http://localhost:30000', 'http://localhost', 'null', undefined]) {
      expect(isAllowedOrigin(tenant, origin), String(origin)).toBe(false);
    }
    expect(frameAncestors(tenant)).toBe('https://shop.example.com http://localhost:3000');
    expect(frameAncestors({ embedOrigins: [] })).toBe("'none'");
  });
});

describe.each(backends)('embed CORS, panel framing and the loader on $name', (backend) => {
  const f = useServer(backend);
  const SHOP = 'http://shop.localhost:4000';
  const setOrigins = (name: string, embedOrigins: string[]) => f.server.services.tenants.update(name, { embedOrigins });
  const mintToken = async () => {
    const id = (await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: uniqueEmail('cors') } })).json.id;
    return (await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${id}/token`)).json.token as string;
  };
  const host = () => `acme.localhost:${f.server.port}`;

  it.each(PREFIXES)('answers CORS on %s/embed/* only for an allowed origin, errors included', async (prefix) => {
    await setOrigins('acme', [SHOP]);
    const token = await mintToken();
    for (const path of [`${prefix}/embed/session`]) {
      const ok = await request(f.server.port, path, { host: host(), headers: { authorization: `Bearer ${token}`, origin: SHOP } });
      expect(ok.status).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
      expect(ok.headers.vary).toContain('Origin');
      const refused = await request(f.server.port, path, { host: host(), headers: { authorization: 'Bearer bad', origin: SHOP } });
      expect(refused.status).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe(SHOP);
      for (const origin of ['http://evil.localhost:4000', 'http://shop.localhost:4001', 'https://shop.localhost:4000', 'http://shop.localhost:4000.evil.com', 'null']) {
        const res = await request(f.server.port, path, { host: host(), headers: { authorization: `Bearer ${token}`, origin } });
        expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      }
    }
  });

  it('answers a preflight with Authorization for an allowed origin only', async () => {
    await setOrigins('acme', [SHOP]);
    const preflight = (origin: string, headers = 'authorization', method = 'GET') => request(f.server.port, '/api/embed/events', {
      method: 'OPTIONS', host: host(),
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });
    const ok = await preflight(SHOP, 'Authorization, Content-Type');
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': SHOP, 'access-control-allow-methods': 'GET, OPTIONS' });
    expect(ok.headers['access-control-allow-headers']).toMatch(/Authorization/);
    for (const res of [await preflight('http://evil.localhost:4000'), await preflight(SHOP, 'authorization', 'DELETE'), await preflight(SHOP, 'x-api-key')]) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Another tenant's list does not count here.
    await setOrigins('other', ['http://evil.localhost:4000']);
    expect((await preflight('http://evil.localhost:4000')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets only the tenant\'s origins frame the panel, and none when it has none', async () => {
    await setOrigins('acme', [SHOP, 'https://shop.example.com']);
    await setOrigins('other', []);
    const acme = await request(f.server.port, '/account/embed', { host: host() });
    expect(acme.status).toBe(200);
    expect(acme.headers['content-security-policy']).toContain(`frame-ancestors ${SHOP} https://shop.example.com`);
    expect(acme.headers['cache-control']).toBe('no-store');
    expect(acme.text).not.toMatch(/eyJ|Bearer/);
    const other = await request(f.server.port, '/account/embed', { host: `other.localhost:${f.server.port}` });
    expect(other.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const nobody = await request(f.server.port, '/account/embed', { host: `nobody.localhost:${f.server.port}` });
    expect(nobody.status).toBe(404);
    expect(nobody.json.error_type).toBe('api_account_error');
  });

  it('serves the loader on any host, with a content hash for caching', async () => {
    const a = await request(f.server.port, '/account/trust-verify.js', { host: host() });
    const b = await request(f.server.port, '/trust-verify.js', { host: `127.0.0.1:${f.server.port}` });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^text\/javascript/);
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('window.TrustVerify');
    expect(a.headers.etag).toMatch(/^"[0-9a-f]{12}"$/);
    const again = await request(f.server.port, '/account/trust-verify.js', { host: host(), headers: { 'if-none-match': a.headers.etag! } });
    expect(again.status).toBe(304);
    const hashed = await request(f.server.port, `/account/assets/trust-verify.${a.headers.etag!.slice(1, -1)}.js`, { host: host() });
    expect(hashed.status).toBe(200);
    expect(hashed.text).toBe(a.text);
    expect(hashed.headers['cache-control']).toContain('immutable');
    expect((await request(f.server.port, '/account/assets/trust-verify.000000000000.js', { host: host() })).status).toBe(404);
  });
});
