import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { PREFIXES, uniqueEmail, useServer } from './helpers/fixture.js';
import { rawRequest, request } from './helpers/http.js';

const ERROR_KEYS = ['error_message', 'error_type'];

describe.each(backends)('error envelope on $name', (backend) => {
  const f = useServer(backend);

  describe.each(PREFIXES)('under %s', (prefix) => {
    const acme = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
      f.server.call('acme', f.acmeKey, method, `${prefix}${path}`, options);

    it('answers an unknown route with a JSON 404', async () => {
      for (const [method, path] of [['GET', '/nope'], ['POST', '/users/1/tokens'], ['PUT', '/users/1']]) {
        const res = await acme(method, path);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json).toEqual({ error_type: 'api_not_found_error', error_message: 'Not Found' });
      }
    });

    it('answers malformed JSON with a JSON 400', async () => {
      for (const body of ['{', '{"email":', 'nul', '{"a":1}}']) {
        const res = await acme('POST', '/users', { body });
        expect(res.status, body).toBe(400);
        expect(res.json).toEqual({ error_type: 'api_invalid_error', error_message: 'Malformed JSON in request body.' });
      }
      const scalar = await acme('POST', '/users', { body: '"text"' });
      expect(scalar.status).toBe(400);
      expect(Object.keys(scalar.json).sort()).toEqual(ERROR_KEYS);
    });

    it('answers a body over 1 MB with a JSON 413', async () => {
      const body = JSON.stringify({ email: 'big@example.com', first_name: 'x'.repeat(1024 * 1024) });
      const res = await acme('POST', '/users', { body });
      expect(res.status).toBe(413);
      expect(res.json).toEqual({ error_type: 'api_invalid_error', error_message: 'Payload Too Large' });
    });

    it('answers a body of an unsupported type with a JSON 415', async () => {
      const res = await acme('POST', '/users', { body: '<user/>', headers: { 'content-type': 'application/xml' } });
      expect(res.status).toBe(415);
      expect(Object.keys(res.json).sort()).toEqual(ERROR_KEYS);
    });

    it('answers a form-encoded body with 415: bodies are typed JSON', async () => {
      const res = await acme('POST', '/users', { body: `email=${encodeURIComponent(uniqueEmail('form'))}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(415);
      expect(res.json).toEqual({ error_type: 'api_invalid_error', error_message: 'Unsupported Media Type' });
      // An empty body is no input, whatever its declared type.
      const id = (await acme('POST', '/users', { body: { email: uniqueEmail('form') } })).json.id;
      expect((await acme('DELETE', `/users/${id}/token`, { headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    });

    it('answers a Host that names no tenant with Account Not Found', async () => {
      for (const host of ['nobody.localhost', 'acme.example.com', 'localhost', 'a.b.localhost', '127.0.0.1', '-x-.localhost', '']) {
        const res = await request(f.server.port, `${prefix}/users`, { host, headers: { authorization: `Bearer ${f.acmeKey}` } });
        expect(res.status, host).toBe(404);
        expect(res.json, host).toEqual({ error_type: 'api_account_error', error_message: 'Account Not Found' });
      }
      const upper = await request(f.server.port, `${prefix}/users`, { host: `ACME.LOCALHOST:${f.server.port}`, headers: { authorization: `Bearer ${f.acmeKey}` } });
      expect(upper.status).toBe(200);
    });

    it('answers a missing or unknown API key with 401 and WWW-Authenticate', async () => {
      const res = await request(f.server.port, `${prefix}/users`, { host: 'acme.localhost' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json).toEqual({ error_type: 'api_auth_error', error_message: 'Unauthenticated.' });
    });

    it('checks the key before reading the body', async () => {
      const res = await f.server.call('acme', 'nope', 'POST', `${prefix}/users`, { body: '{' });
      expect(res.status).toBe(401);
    });
  });

  it('answers a malformed URL and broken HTTP with JSON, never a stack trace', async () => {
    const badEscape = await rawRequest(f.server.port, 'GET /api/users/%E0%A4%A HTTP/1.1\r\nHost: acme.localhost\r\nConnection: close\r\n\r\n');
    expect([400, 404]).toContain(badEscape.status);
    expect(Object.keys(JSON.parse(badEscape.body)).sort()).toEqual(ERROR_KEYS);

    const hugeHeader = await rawRequest(f.server.port, `GET /api/users HTTP/1.1\r\nHost: acme.localhost\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(hugeHeader.status).toBe(431);
    expect(JSON.parse(hugeHeader.body).error_type).toBe('api_invalid_error');

    const garbage = await rawRequest(f.server.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body).error_type).toBe('api_invalid_error');
  });

  it('serves the OpenAPI document, generated from the route schemas, on any host', async () => {
    const res = await request(f.server.port, '/openapi.json', { host: 'anything.example' });
    expect(res.status).toBe(200);
    expect(res.json.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.json.paths);
    for (const p of ['/api/users', '/api/users/{id}', '/api/users/{id}/token', '/api/embed/session']) expect(paths).toContain(p);
    const mint = res.json.paths['/api/users/{id}/token'].post;
    expect(mint.requestBody.content['application/json'].schema.properties.expires_in).toMatchObject({ minimum: 60, maximum: 86400 });
    expect(mint.responses['404']).toBeDefined();
  });
});

describe.each(backends)('a failing database on $name', (backend) => {
  const f = useServer(backend);

  it('answers 500 api_server_error with no details', async () => {
    await f.server.store.close();
    const res = await f.server.call('acme', f.acmeKey, 'GET', '/api/users');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error_type: 'api_server_error', error_message: 'Server Error' });
    expect(f.server.logs.join('')).toContain('unhandled error');
    // close() in afterAll would close the store twice; reopen so teardown stays ordinary.
    f.server.store = await f.db.open();
  });
});
