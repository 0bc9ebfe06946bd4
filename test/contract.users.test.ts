import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { CLIENT_TOKEN_PLAINTEXT, PREFIXES, uniqueEmail, useServer } from './helpers/fixture.js';

const USER_NOT_FOUND = { error_type: 'api_user_error', error_message: 'User Not Found' };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe.each(backends)('users API on $name', (backend) => {
  const f = useServer(backend);

  describe.each(PREFIXES)('under %s', (prefix) => {
    const acme = (method: string, path: string, body?: unknown) =>
      f.server.call('acme', f.acmeKey, method, `${prefix}${path}`, { body });

    async function createUser(fields: Record<string, unknown> = {}) {
      const res = await acme('POST', '/users', { email: uniqueEmail(), ...fields });
      expect(res.status).toBe(200);
      return res.json as { id: number; user_id: string; token: string };
    }

    it('creates a user and answers the 2021 shape with a working client token', async () => {
      const email = uniqueEmail('New.Person');
      const res = await acme('POST', '/users', { email: email.toUpperCase(), first_name: 'New', last_name: 'Person', reference_id: 'ref-1' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['id', 'status', 'token', 'user_id']);
      expect(res.json.status).toBe('success');
      expect(Number.isInteger(res.json.id)).toBe(true);
      expect(res.json.user_id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(Buffer.from(res.json.token, 'base64').toString()).toMatch(CLIENT_TOKEN_PLAINTEXT);

      const session = await f.server.call('acme', res.json.token, 'GET', `${prefix}/embed/session`);
      expect(session.status).toBe(200);
      expect(session.json.user.id).toBe(res.json.id);
      expect(session.json.user.email).toBe(email.toLowerCase());
    });

    it('rejects a create without a valid, unused email as 422 with field errors', async () => {
      const missing = await acme('POST', '/users', { first_name: 'x' });
      expect(missing.status).toBe(422);
      expect(missing.json).toEqual({
        error_type: 'api_validation_error', error_message: 'The given data was invalid.',
        errors: { email: ['The email field is required.'] },
      });
      const invalid = await acme('POST', '/users', { email: 'not-an-email' });
      expect(invalid.status).toBe(422);
      expect(invalid.json.errors.email).toEqual(['The email field must be a valid email address.']);

      const email = uniqueEmail();
      await createUser({ email });
      const taken = await acme('POST', '/users', { email: email.toUpperCase() });
      expect(taken.status).toBe(422);
      expect(taken.json.errors).toEqual({ email: ['The email has already been taken.'] });
    });

    it('answers an unknown template_id with api_template_error', async () => {
      const res = await acme('POST', '/users', { email: uniqueEmail(), template_id: 999999 });
      expect(res.status).toBe(422);
      expect(res.json.error_type).toBe('api_template_error');
      expect(res.json.error_message).toBe('Invalid templateId provided.');
    });

    it('reads a user as {"data": user} with every contract field', async () => {
      const { id, user_id } = await createUser({ first_name: 'Ada', phone: '+13125550100', order_id: 'o-9' });
      const res = await acme('GET', `/users/${id}`);
      expect(res.status).toBe(200);
      const user = res.json.data;
      expect(Object.keys(user).sort()).toEqual([
        'created_at', 'email', 'first_name', 'id', 'last_name', 'order_id', 'phone', 'reference_id',
        'status', 'updated_at', 'user_id', 'username', 'verifications',
      ]);
      expect(user).toMatchObject({ id, user_id, first_name: 'Ada', last_name: null, phone: '+13125550100', order_id: 'o-9', status: 'Active' });
      expect(user.created_at).toMatch(TIMESTAMP);
      expect(user.updated_at).toMatch(TIMESTAMP);
      expect(user.verifications[0]).toEqual({ id: 1, name: 'Email', status: { value: 0, friendly: 'Pending' } });
    });

    it('answers a missing, malformed or huge user id with exactly User Not Found', async () => {
      for (const id of ['999999', 'abc', '0', '-1', '1.5', '99999999999999999999', '%20']) {
        const res = await acme('GET', `/users/${id}`);
        expect(res.status, id).toBe(404);
        expect(res.json, id).toEqual(USER_NOT_FOUND);
      }
    });

    it('patches known fields, ignores unknown ones, and refuses an empty update', async () => {
      const { id } = await createUser({ first_name: 'Before' });
      const res = await acme('PATCH', `/users/${id}`, { first_name: 'After', last_name: null, is_admin: true, tenant_id: 2 });
      expect(res.status).toBe(200);
      expect(res.json.data.first_name).toBe('After');
      expect(res.json.data).not.toHaveProperty('is_admin');
      expect((await acme('GET', `/users/${id}`)).json.data.first_name).toBe('After');

      for (const body of [undefined, '', '{}', '[]', '{"unknown":1}']) {
        const empty = await acme('PATCH', `/users/${id}`, body);
        expect(empty.status, String(body)).toBe(400);
        expect(empty.json).toEqual({ error_type: 'api_invalid_error', error_message: 'Invalid or No Data Provided for Update' });
      }
      expect((await acme('PATCH', '/users/999999', { first_name: 'x' })).json).toEqual(USER_NOT_FOUND);
      const bad = await acme('PATCH', `/users/${id}`, { email: 'nope' });
      expect(bad.status).toBe(422);
    });

    it('deletes a user and with it every client token of that user', async () => {
      const { id, token } = await createUser();
      const second = (await acme('POST', `/users/${id}/token`)).json.token;
      const res = await acme('DELETE', `/users/${id}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expect((await acme('GET', `/users/${id}`)).json).toEqual(USER_NOT_FOUND);
      expect((await acme('DELETE', `/users/${id}`)).json).toEqual(USER_NOT_FOUND);
      for (const t of [token, second]) {
        const session = await f.server.call('acme', t, 'GET', `${prefix}/embed/session`);
        expect(session.status).toBe(401);
        expect(session.json.error_type).toBe('api_token_error');
        expect(session.json.code).toBe('token_revoked');
      }
    });

    it('lists users as a Laravel paginator with page, per_page, filters and sort', async () => {
      const tag = `list${prefix.length}${backend.name}`;
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createUser({ email: uniqueEmail(tag), last_name: `${tag}-${i}` })).id);

      const page = await acme('GET', `/users?filter[search]=${tag}&per_page=2&page=2&sort=-id`);
      expect(page.status).toBe(200);
      expect(page.json.data.map((u: { id: number }) => u.id)).toEqual([ids[0]]);
      expect(page.json.meta).toMatchObject({ current_page: 2, from: 3, to: 3, last_page: 2, per_page: 2, total: 3 });
      expect(page.json.meta.path).toMatch(new RegExp(`^http://acme\\.localhost:\\d+${prefix}/users$`));
      expect(page.json.links.prev).toBe(`${page.json.meta.path}?page=1`);
      expect(page.json.links.next).toBeNull();

      const byEmail = await acme('GET', `/users?filter[email]=${encodeURIComponent(page.json.data[0].email)}`);
      expect(byEmail.json.meta.total).toBe(1);
      const byStatus = await acme('GET', '/users?filter[status]=NoSuchStatus');
      expect(byStatus.json).toMatchObject({ data: [], meta: { total: 0, from: null, to: null, last_page: 1 } });

      const clamped = await acme('GET', '/users?per_page=500');
      expect(clamped.json.meta.per_page).toBe(100);
      const defaults = await acme('GET', '/users');
      expect(defaults.json.meta.per_page).toBe(15);
      const sorted = defaults.json.data.map((u: { id: number }) => u.id);
      expect(sorted).toEqual([...sorted].sort((a, b) => a - b));

      for (const query of ['sort=password', 'per_page=abc', 'page=0']) {
        const bad = await acme('GET', `/users?${query}`);
        expect(bad.status, query).toBe(422);
        expect(bad.json.error_type).toBe('api_validation_error');
      }
    });

    it('never lists another tenant\'s users', async () => {
      await f.server.call('other', f.otherKey, 'POST', `${prefix}/users`, { body: { email: 'only.other@example.com' } });
      const res = await acme('GET', '/users?filter[search]=only.other');
      expect(res.json.meta.total).toBe(0);
    });
  });
});
