import { afterAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { PREFIXES, uniqueEmail, useServer } from '../helpers/fixture.js';
import { manualClock, startTestServer, type TestServer } from '../helpers/server.js';
import { openSse, type SseStream } from '../helpers/sse.js';

const statuses = (e: { data: { verifications: Array<{ id: number; status: { value: number } }> } }) =>
  Object.fromEntries(e.data.verifications.map((v) => [v.id, v.status.value]));

describe.each(backends)('GET /embed/events on $name', (backend) => {
  const clock = manualClock(Date.now());
  const f = useServer(backend, { clock });
  const streams: SseStream[] = [];
  afterAll(() => streams.forEach((s) => s.close()));

  const acme = (method: string, path: string, body?: unknown) => f.server.call('acme', f.acmeKey, method, path, { body });
  async function userWithToken(expiresIn?: number) {
    const id = (await acme('POST', '/api/users', { email: uniqueEmail('live'), first_name: 'Live' })).json.id as number;
    const token = (await acme('POST', `/api/users/${id}/token`, expiresIn ? { expires_in: expiresIn } : undefined)).json.token as string;
    return { id, token };
  }
  async function listen(server: TestServer, token: string, prefix = '/api') {
    const stream = await openSse(server.port, `${prefix}/embed/events`, `acme.localhost:${server.port}`, { authorization: `Bearer ${token}` });
    streams.push(stream);
    return stream;
  }

  it.each(PREFIXES)('sends the list at once, then each change, then token_revoked and ends (%s)', async (prefix) => {
    const { id, token } = await userWithToken();
    const stream = await listen(f.server, token, prefix);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const first = await stream.next();
    expect(first.event).toBe('verifications');
    expect(statuses(first)).toEqual({ 1: 0, 2: 0, 3: 0 });
    expect(first.data.complete).toBe(false);

    await acme('PATCH', `/api/users/${id}/verifications`, { verification_id: 2, status: 1 });
    expect(statuses(await stream.next())).toEqual({ 1: 0, 2: 1, 3: 0 });
    for (const method of [1, 2, 3]) await acme('PATCH', `/api/users/${id}/verifications`, { verification_id: method, status: 2 });
    const done = await stream.next((e) => e.data.complete === true);
    expect(statuses(done)).toEqual({ 1: 2, 2: 2, 3: 2 });

    await acme('DELETE', `/api/users/${id}/token`);
    const revoked = await stream.next((e) => e.event === 'token_error');
    expect(revoked.data).toEqual({ error_type: 'api_token_error', error_message: 'The client token has been revoked.', code: 'token_revoked' });
    await stream.ended;
  });

  it('ends with token_expired once the token expires', async () => {
    const { token } = await userWithToken(60);
    const stream = await listen(f.server, token);
    await stream.next();
    clock.advance(61_000);
    const expired = await stream.next((e) => e.event === 'token_error');
    expect(expired.data.code).toBe('token_expired');
    await stream.ended;
  });

  it('sees changes made through another instance on the same database', async () => {
    const second = await startTestServer(f.db, { clock });
    try {
      const { id, token } = await userWithToken();
      const stream = await listen(f.server, token);
      await stream.next();
      const res = await second.call('acme', f.acmeKey, 'PATCH', `/api/users/${id}/verifications`, { body: { verification_id: 3, status: 3 } });
      expect(res.status).toBe(200);
      expect(statuses(await stream.next())).toEqual({ 1: 0, 2: 0, 3: 3 });
      const revoke = await second.call('acme', f.acmeKey, 'DELETE', `/api/users/${id}/token`);
      expect(revoke.status).toBe(200);
      expect((await stream.next((e) => e.event === 'token_error')).data.code).toBe('token_revoked');
    } finally {
      await second.close();
    }
  });

  it('refuses a bad, foreign or missing token with the usual 401 and no stream', async () => {
    const { token } = await userWithToken();
    for (const [host, auth] of [[`acme.localhost:${f.server.port}`, 'Bearer bm9wZQ=='], [`other.localhost:${f.server.port}`, `Bearer ${token}`], [`acme.localhost:${f.server.port}`, '']]) {
      const stream = await openSse(f.server.port, '/api/embed/events', host, auth ? { authorization: auth } : {});
      expect(stream.status).toBe(401);
      expect(stream.headers['content-type']).toMatch(/json/);
      stream.close();
    }
  });

  it('does not keep the server from shutting down', async () => {
    const third = await startTestServer(f.db, { clock });
    const { token } = await userWithToken();
    const stream = await listen(third, token);
    await stream.next();
    await third.close();
    await stream.ended;
  });
});
