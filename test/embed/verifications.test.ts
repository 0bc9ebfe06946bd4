import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { PREFIXES, uniqueEmail, useServer } from '../helpers/fixture.js';

const USER_NOT_FOUND = { error_type: 'api_user_error', error_message: 'User Not Found' };

describe.each(backends)('verifications and templates on $name', (backend) => {
  const f = useServer(backend);
  const acme = (method: string, path: string, body?: unknown) => f.server.call('acme', f.acmeKey, method, path, { body });
  const tenant = async (name: string) => (await f.server.services.tenants.findByName(name))!;

  describe.each(PREFIXES)('under %s', (prefix) => {
    const newUser = async (extra: Record<string, unknown> = {}) =>
      (await acme('POST', `${prefix}/users`, { email: uniqueEmail('v'), ...extra })).json.id as number;

    it('PATCH sets one status and answers with the user, other methods untouched', async () => {
      const id = await newUser();
      const res = await acme('PATCH', `${prefix}/users/${id}/verifications`, { verification_id: 2, status: 2 });
      expect(res.status).toBe(200);
      expect(res.json.data.id).toBe(id);
      expect(res.json.data.verifications).toEqual([
        { id: 1, name: 'Email', status: { value: 0, friendly: 'Pending' } },
        { id: 2, name: 'Phone', status: { value: 2, friendly: 'Complete' } },
        { id: 3, name: 'Document', status: { value: 0, friendly: 'Pending' } },
      ]);
      const again = await acme('GET', `${prefix}/users/${id}`);
      expect(again.json.data.verifications[1].status).toEqual({ value: 2, friendly: 'Complete' });
    });

    it('names every status of the public list', async () => {
      const id = await newUser();
      const names = ['Pending', 'Processing', 'Complete', 'Rejected', 'Complete In Review', 'Reset', 'Removed'];
      for (const [value, friendly] of names.entries()) {
        const res = await acme('PATCH', `${prefix}/users/${id}/verifications`, { verification_id: 1, status: value });
        expect(res.json.data.verifications[0].status).toEqual({ value, friendly });
      }
    });

    it('is 404 for a missing user and for another tenant\'s user', async () => {
      expect((await acme('PATCH', `${prefix}/users/999999/verifications`, { verification_id: 1, status: 2 })).json).toEqual(USER_NOT_FOUND);
      const theirs = (await f.server.call('other', f.otherKey, 'POST', `${prefix}/users`, { body: { email: uniqueEmail('o') } })).json.id;
      const res = await acme('PATCH', `${prefix}/users/${theirs}/verifications`, { verification_id: 1, status: 2 });
      expect(res.status).toBe(404);
      expect(res.json).toEqual(USER_NOT_FOUND);
      const untouched = await f.server.call('other', f.otherKey, 'GET', `${prefix}/users/${theirs}`);
      expect(untouched.json.data.verifications[0].status.value).toBe(0);
    });

    it('is 422 for a method the user does not have, an unknown status, or a malformed body', async () => {
      const id = await newUser();
      const notAssigned = await acme('PATCH', `${prefix}/users/${id}/verifications`, { verification_id: 5, status: 2 });
      expect(notAssigned.status).toBe(422);
      expect(notAssigned.json).toMatchObject({ error_type: 'api_validation_error', errors: { verification_id: expect.any(Array) } });
      const badStatus = await acme('PATCH', `${prefix}/users/${id}/verifications`, { verification_id: 1, status: 7 });
      expect(badStatus.status).toBe(422);
      expect(badStatus.json.errors).toHaveProperty('status');
      for (const body of [{}, { verification_id: 1 }, { status: 2 }, { verification_id: 'one', status: 2 }, { verification_id: 1, status: 1.5 }, { verification_id: 0, status: 2 }, { verification_id: 1, status: -1 }]) {
        const res = await acme('PATCH', `${prefix}/users/${id}/verifications`, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.json.error_type).toBe('api_validation_error');
      }
      const malformed = await acme('PATCH', `${prefix}/users/${id}/verifications`, '{"verification_id":');
      expect(malformed.status).toBe(400);
      const user = await acme('GET', `${prefix}/users/${id}`);
      expect(user.json.data.verifications.map((v: { status: { value: number } }) => v.status.value)).toEqual([0, 0, 0]);
    });

    it('needs the API key: no key or a client token is 401', async () => {
      const id = await newUser();
      const token = (await acme('POST', `${prefix}/users/${id}/token`)).json.token;
      for (const key of ['', token]) {
        const res = await f.server.call('acme', key, 'PATCH', `${prefix}/users/${id}/verifications`, { body: { verification_id: 1, status: 2 } });
        expect(res.status).toBe(401);
        expect(res.json.error_type).toBe('api_auth_error');
      }
    });
  });

  it('lists the tenant\'s templates, and a new user gets the chosen or default template\'s methods', async () => {
    const acmeTenant = await tenant('acme');
    const basic = await f.server.services.verifications.createTemplate(acmeTenant, 'Basic', [1, 7], false);
    const full = await f.server.services.verifications.createTemplate(acmeTenant, 'Full', [12, 3, 3, 1], true);
    await f.server.services.verifications.createTemplate(await tenant('other'), 'Theirs', [4], true);
    if (typeof basic === 'string' || typeof full === 'string') throw new Error('template not created');

    for (const prefix of PREFIXES) {
      const res = await acme('GET', `${prefix}/settings/templates/verifications`);
      expect(res.status).toBe(200);
      expect(res.json.data.map((t: { name: string }) => t.name)).toEqual(['Basic', 'Full']);
      expect(res.json.data[1]).toMatchObject({
        id: full.id, name: 'Full', is_default: true,
        verifications: [{ id: 1, name: 'Email' }, { id: 3, name: 'Document' }, { id: 12, name: 'Live Video' }],
      });
    }
    const chosen = (await acme('POST', '/api/users', { email: uniqueEmail('t'), template_id: basic.id })).json.id;
    expect((await acme('GET', `/api/users/${chosen}`)).json.data.verifications.map((v: { name: string }) => v.name)).toEqual(['Email', 'Secure Card']);
    const byDefault = (await acme('POST', '/api/users', { email: uniqueEmail('t') })).json.id;
    expect((await acme('GET', `/api/users/${byDefault}`)).json.data.verifications.map((v: { id: number }) => v.id)).toEqual([1, 3, 12]);

    const theirTemplate = (await f.server.store.listTemplates((await tenant('other')).id))[0].id;
    const foreign = await acme('POST', '/api/users', { email: uniqueEmail('t'), template_id: theirTemplate });
    expect(foreign.status).toBe(422);
    expect(foreign.json).toMatchObject({ error_type: 'api_template_error', error_message: 'Invalid templateId provided.' });
  });

  it('refuses templates with unknown methods or a taken name', async () => {
    const acmeTenant = await tenant('acme');
    const v = f.server.services.verifications;
    expect(await v.createTemplate(acmeTenant, 'Bad', [13], false)).toBe('invalid_methods');
    expect(await v.createTemplate(acmeTenant, 'Empty', [], false)).toBe('invalid_methods');
    expect(await v.createTemplate(acmeTenant, '  ', [1], false)).toBe('invalid_name');
    expect(typeof (await v.createTemplate(acmeTenant, 'Once', [1], false))).toBe('object');
    expect(await v.createTemplate(acmeTenant, 'Once', [2], false)).toBe('name_taken');
  });
});
