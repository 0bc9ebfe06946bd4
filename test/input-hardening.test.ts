import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../src/ratelimit/memory.js';
import { backends } from './helpers/backends.js';
import { uniqueEmail, useServer } from './helpers/fixture.js';
import { rawRequest, request } from './helpers/http.js';

/** Inputs that once slipped through loosely: each must now be refused, or handled exactly. */
describe.each(backends)('strict input on $name', (backend) => {
  const f = useServer(backend);
  const acme = (method: string, path: string, body?: unknown) => f.server.call('acme', f.acmeKey, method, path, { body });

  it('takes JSON body fields only in their own type', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/users', { email: ['a@b.com'] }, 'email'],
      ['POST', '/api/users', { email: uniqueEmail(), username: true }, 'username'],
      ['POST', '/api/users', { email: uniqueEmail(), phone: 12345 }, 'phone'],
      ['POST', '/api/users', { email: uniqueEmail(), template_id: '1' }, 'template_id'],
    ];
    const id = (await acme('POST', '/api/users', { email: uniqueEmail() })).json.id;
    cases.push(
      ['PATCH', `/api/users/${id}`, { status: ['x'] }, 'status'],
      ['POST', `/api/users/${id}/token`, { expires_in: [60] }, 'expires_in'],
      ['POST', `/api/users/${id}/token`, { expires_in: '120' }, 'expires_in'],
      ['PATCH', `/api/users/${id}/verifications`, { verification_id: true, status: 2 }, 'verification_id'],
    );
    for (const [method, path, body, field] of cases) {
      const res = await acme(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(422);
      expect(Object.keys(res.json.errors), JSON.stringify(body)).toContain(field);
    }
    const user = (await acme('GET', `/api/users/${id}`)).json.data;
    expect(user.verifications.every((v: { status: { value: number } }) => v.status.value === 0)).toBe(true);
  });

  it('refuses query parameters that would silently widen a listing', async () => {
    for (const query of ['filter[search][]=zzz', 'filter[status][]=x', 'filter[name]=x', 'per_page[]=1',
      'per_page=0x10', 'page=1e5', 'filter[search]=%00', 'filter[email]=a&filter[email]=b']) {
      const res = await acme('GET', `/api/users?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.json.error_type).toBe('api_validation_error');
    }
    const ignored = await acme('GET', '/api/users?per_page=2&cache_buster=1');
    expect(ignored.status).toBe(200);
    expect(ignored.json.meta.per_page).toBe(2);
  });

  it('lists users at /api/users/ too, and answers a 300-digit id after authentication', async () => {
    expect((await acme('GET', '/api/users/')).json.meta).toBeDefined();
    const longId = '1'.repeat(300);
    const anonymous = await request(f.server.port, `/api/users/${longId}`, { host: 'acme.localhost' });
    expect(anonymous.status).toBe(401);
    const keyed = await acme('GET', `/api/users/${longId}`);
    expect(keyed.json).toEqual({ error_type: 'api_user_error', error_message: 'User Not Found' });
  });

  it('answers a request without Host, and CONNECT, in JSON', async () => {
    const noHost = await rawRequest(f.server.port, 'GET /api/users HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost.status).toBe(404);
    expect(JSON.parse(noHost.body)).toEqual({ error_type: 'api_account_error', error_message: 'Account Not Found' });
    const connect = await rawRequest(f.server.port, 'CONNECT acme.localhost:443 HTTP/1.1\r\nHost: acme.localhost\r\n\r\n');
    expect(connect.status).toBe(405);
    expect(JSON.parse(connect.body).error_type).toBe('api_invalid_error');
  });
});

describe.each(backends)('the mint quota on $name', (backend) => {
  const f = useServer(backend, { rateLimits: { limiter: new MemoryRateLimiter(), defaults: { perMinute: 1e6, perSecond: 1e6, mintsPerMinute: 3 } } });
  const acme = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    f.server.call('acme', f.acmeKey, method, path, { body, headers });

  it('is not used up by refused requests, and verify-link opens count against it', async () => {
    const id = (await acme('POST', '/api/users', { email: uniqueEmail() })).json.id;
    for (let i = 0; i < 5; i++) expect((await acme('POST', `/api/users/${id}/token`, { expires_in: 5 })).status).toBe(422);
    expect((await acme('POST', `/api/users/${id}/token`)).status).toBe(200);

    const url = new URL((await acme('POST', `/api/users/${id}/verify-url`)).json.full_url);
    const open = (method = 'GET') => request(f.server.port, url.pathname, { method, host: url.host });
    // A HEAD (a link scanner) mints nothing and uses nothing up.
    expect((await open('HEAD')).status).toBe(404);
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(200);
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.text).toContain('Too many attempts');
    expect((await acme('POST', `/api/users/${id}/token`)).json.error_type).toBe('api_rate_limit_error');
  });
});

describe.each(backends)('behind a trusted proxy on $name', (backend) => {
  const f = useServer(backend, { trustProxy: true });

  it('builds links with the scheme and host the client used', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'acme.tessera.example.com' };
    const id = (await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: uniqueEmail() } })).json.id;
    const link = await f.server.call('acme', f.acmeKey, 'POST', `/api/users/${id}/verify-url`, { headers });
    expect(link.json.full_url).toMatch(/^https:\/\/acme\.tessera\.example\.com\/account\/verify\//);
    const page = await f.server.call('acme', f.acmeKey, 'GET', '/api/users', { headers });
    expect(page.json.meta.path).toBe('https://acme.tessera.example.com/api/users');
  });
});
