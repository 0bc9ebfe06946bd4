import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { CLIENT_TOKEN_PLAINTEXT, PREFIXES, uniqueEmail, useServer } from './helpers/fixture.js';

const USER_NOT_FOUND = { error_type: 'api_user_error', error_message: 'User Not Found' };

describe.each(backends)('client-token endpoints on $name', (backend) => {
  const f = useServer(backend);

  describe.each(PREFIXES)('under %s', (prefix) => {
    const acme = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
      f.server.call('acme', f.acmeKey, method, `${prefix}${path}`, options);
    const session = (token: string) => f.server.call('acme', token, 'GET', `${prefix}/embed/session`);
    const newUser = async () => (await acme('POST', '/users', { body: { email: uniqueEmail(), first_name: 'Tok' } })).json.id as number;

    it('mints with no body, {} and [] alike, as base64 of <id>|<40 alnum>', async () => {
      const id = await newUser();
      for (const body of [undefined, '', '{}', '[]']) {
        const before = Date.now();
        const res = await acme('POST', `/users/${id}/token`, { body });
        expect(res.status, String(body)).toBe(200);
        expect(Object.keys(res.json).sort()).toEqual(['expires_at', 'token']);
        expect(Buffer.from(res.json.token, 'base64').toString()).toMatch(CLIENT_TOKEN_PLAINTEXT);
        expect(res.json.expires_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        const ttl = (Date.parse(res.json.expires_at) - before) / 1000;
        expect(ttl).toBeGreaterThan(3598);
        expect(ttl).toBeLessThanOrEqual(3600);
      }
    });

    it('takes expires_in from 60 to 86400 seconds and refuses anything else with 422', async () => {
      const id = await newUser();
      const res = await acme('POST', `/users/${id}/token`, { body: { expires_in: 60 } });
      expect(res.status).toBe(200);
      expect(Date.parse(res.json.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
      expect((await acme('POST', `/users/${id}/token`, { body: { expires_in: 86400 } })).status).toBe(200);
      for (const expires_in of [59, 86401, 'soon', 1.5, -60]) {
        const bad = await acme('POST', `/users/${id}/token`, { body: { expires_in } });
        expect(bad.status, String(expires_in)).toBe(422);
        expect(bad.json.error_type).toBe('api_validation_error');
        expect(Object.keys(bad.json.errors)).toEqual(['expires_in']);
      }
    });

    it('answers a missing user with User Not Found on mint and revoke', async () => {
      for (const method of ['POST', 'DELETE']) {
        const res = await acme(method, '/users/987654/token');
        expect(res.status).toBe(404);
        expect(res.json).toEqual(USER_NOT_FOUND);
      }
    });

    it('keeps several live tokens per user, and DELETE revokes all of them at once', async () => {
      const id = await newUser();
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push((await acme('POST', `/users/${id}/token`)).json.token);
      for (const t of tokens) expect((await session(t)).status).toBe(200);

      const res = await acme('DELETE', `/users/${id}/token`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['content-length']).toBe('0');
      for (const t of tokens) {
        const after = await session(t);
        expect(after.status).toBe(401);
        expect(after.json).toEqual({ error_type: 'api_token_error', error_message: 'The client token has been revoked.', code: 'token_revoked' });
      }
      // A token minted after the revoke is a new, live token.
      expect((await session((await acme('POST', `/users/${id}/token`)).json.token)).status).toBe(200);
    });

    it('answers DELETE with 200 and an empty body when the user had no token', async () => {
      const id = await newUser();
      await acme('DELETE', `/users/${id}/token`);
      const again = await acme('DELETE', `/users/${id}/token`, { body: '[]' });
      expect(again.status).toBe(200);
      expect(again.text).toBe('');
    });

    it('shows the embed session for the token\'s user and account', async () => {
      const id = await newUser();
      const minted = (await acme('POST', `/users/${id}/token`)).json;
      const res = await session(minted.token);
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['account', 'expires_at', 'user']);
      expect(res.json.account).toEqual({ name: 'acme' });
      expect(res.json.expires_at).toBe(minted.expires_at);
      expect(Object.keys(res.json.user).sort()).toEqual(['email', 'first_name', 'id', 'last_name', 'status', 'user_id', 'verifications']);
      expect(res.json.user).toMatchObject({ id, first_name: 'Tok', status: 'Active' });
    });

    it('answers every unusable client token with token_invalid, and never 500', async () => {
      const id = await newUser();
      const good = (await acme('POST', `/users/${id}/token`)).json.token as string;
      const [tokenId] = Buffer.from(good, 'base64').toString().split('|');
      const wrongSecret = Buffer.from(`${tokenId}|${'A'.repeat(40)}`).toString('base64');
      const unknownId = Buffer.from(`99999999|${'A'.repeat(40)}`).toString('base64');
      for (const header of [undefined, 'Bearer', 'Bearer ', `Basic ${good}`, `Bearer ${wrongSecret}`, `Bearer ${unknownId}`,
        'Bearer not-base64!', `Bearer ${good}x`, `Bearer ${f.acmeKey}`, `Bearer ${good.slice(0, -4)}`]) {
        const res = await f.server.call('acme', '', 'GET', `${prefix}/embed/session`, { headers: header === undefined ? { authorization: '' } : { authorization: header } });
        expect(res.status, String(header)).toBe(401);
        expect(res.json, String(header)).toEqual({ error_type: 'api_token_error', error_message: 'The client token is invalid.', code: 'token_invalid' });
      }
    });

    it('never takes a client token as an API key', async () => {
      const id = await newUser();
      const token = (await acme('POST', `/users/${id}/token`)).json.token as string;
      const res = await f.server.call('acme', token, 'POST', `${prefix}/users/${id}/token`);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error_type: 'api_auth_error', error_message: 'Unauthenticated.' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
      // Nor its decoded `<id>|<secret>` form, which has the API-key shape.
      const decoded = Buffer.from(token, 'base64').toString();
      expect((await f.server.call('acme', decoded, 'GET', `${prefix}/users/${id}`)).status).toBe(401);
    });
  });
});
