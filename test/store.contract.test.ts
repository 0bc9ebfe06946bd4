import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../src/store/migrations/index.js';
import type { Store, Tenant } from '../src/store/store.js';
import type { NewClientToken, NewUser, UserQuery } from '../src/store/types.js';
import { backends, type TestDatabase } from './helpers/backends.js';

/**
 * The one contract every Store implementation keeps, run against each backend. Each test makes
 * its own tenants, so tests share one database without seeing each other's rows.
 */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

let seq = 0;
const hash = () => randomBytes(32);
const token = (expiresAt = T0 + HOUR): NewClientToken => ({ secretHash: hash(), expiresAt });
const newUser = (fields: Partial<NewUser> = {}): NewUser => ({
  userId: randomBytes(24).toString('base64url'),
  email: `u${++seq}@example.com`,
  firstName: null, lastName: null, username: null, phone: null, referenceId: null, orderId: null,
  status: 'Active', templateId: null, methodIds: [1, 2], ...fields,
});
const query = (q: Partial<UserQuery> = {}): UserQuery => ({ page: 1, perPage: 100, sort: 'id', descending: false, ...q });

describe.each(backends)('Store contract on $name', (backend) => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await backend.createDatabase();
    store = await db.open();
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function tenant(): Promise<Tenant> {
    const created = await store.createTenant(`t${++seq}-${backend.name}`, T0);
    if (typeof created === 'string') throw new Error(created);
    return created;
  }

  async function user(t: Tenant, fields: Partial<NewUser> = {}) {
    const created = await store.createUser(t.id, newUser(fields), token(), T0);
    if (typeof created === 'string') throw new Error(created);
    return created;
  }

  describe('schema', () => {
    it('reports the latest version, and a second migrate applies nothing', async () => {
      expect(store.dialect).toBe(backend.name);
      expect(await store.schemaVersion()).toEqual({ current: LATEST_VERSION, latest: LATEST_VERSION });
      expect(await store.migrate()).toEqual([]);
      const other = await db.open();
      try {
        expect(await other.migrate()).toEqual([]);
      } finally {
        await other.close();
      }
      await other.close(); // closing twice is harmless
    });
  });

  describe('tenants', () => {
    it('creates a tenant with default settings; a taken name is a return value', async () => {
      const t = await tenant();
      expect(t).toEqual({
        id: expect.any(Number), name: t.name, tokenTtlSeconds: 3600, embedOrigins: [],
        rateLimitPerMinute: null, rateLimitPerSecond: null, mintLimitPerMinute: null, createdAt: T0,
      });
      expect(await store.createTenant(t.name, T0)).toBe('name_taken');
      expect(await store.findTenantByName(t.name)).toEqual(t);
      expect(await store.findTenantByName('no-such-tenant')).toBeNull();
    });

    it('lists tenants in id order', async () => {
      const a = await tenant();
      const b = await tenant();
      const ids = (await store.listTenants()).map((t) => t.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    });

    it('concurrent creates of one name: exactly one wins', async () => {
      const name = `race-${++seq}`;
      const results = await Promise.all(Array.from({ length: 8 }, () => store.createTenant(name, T0)));
      expect(results.filter((r) => r === 'name_taken')).toHaveLength(7);
    });

    it('updates only the settings given; null puts a limit back to the default', async () => {
      const t = await tenant();
      const updated = await store.updateTenant(t.id, {
        tokenTtlSeconds: 600, embedOrigins: ['https://a.example'], rateLimitPerMinute: 600, rateLimitPerSecond: 20, mintLimitPerMinute: 100,
      });
      expect(updated).toEqual({
        ...t, tokenTtlSeconds: 600, embedOrigins: ['https://a.example'], rateLimitPerMinute: 600, rateLimitPerSecond: 20, mintLimitPerMinute: 100,
      });
      const again = await store.updateTenant(t.id, { rateLimitPerSecond: null });
      expect(again).toEqual({ ...updated, rateLimitPerSecond: null });
      expect(await store.updateTenant(t.id, {})).toEqual(again);
      expect(await store.findTenantByName(t.name)).toEqual(again);
      expect(await store.updateTenant(999_999_999, { tokenTtlSeconds: 60 })).toBeNull();
    });
  });

  describe('api keys', () => {
    it('creates, finds and lists keys within their tenant only', async () => {
      const a = await tenant();
      const b = await tenant();
      const secretHash = hash();
      const key = await store.createApiKey(a.id, 'main', secretHash, T0);
      expect(key).toEqual({ id: expect.any(Number), tenantId: a.id, name: 'main', secretHash, createdAt: T0, lastUsedAt: null, revokedAt: null });
      expect(Buffer.isBuffer(key.secretHash)).toBe(true);
      expect(await store.findApiKey(a.id, key.id)).toEqual(key);
      expect(await store.findApiKey(b.id, key.id)).toBeNull();
      expect(await store.findApiKey(a.id, key.id + 1_000_000)).toBeNull();
      const second = await store.createApiKey(a.id, 'second', hash(), T0 + 1);
      expect((await store.listApiKeys(a.id)).map((k) => k.id)).toEqual([key.id, second.id]);
      expect(await store.listApiKeys(b.id)).toEqual([]);
    });

    it('revokes a key once, and never another tenant\'s key', async () => {
      const a = await tenant();
      const b = await tenant();
      const key = await store.createApiKey(a.id, 'k', hash(), T0);
      expect(await store.revokeApiKey(b.id, key.id, T0 + 5)).toBe(false);
      expect((await store.findApiKey(a.id, key.id))!.revokedAt).toBeNull();
      expect(await store.revokeApiKey(a.id, key.id, T0 + 10)).toBe(true);
      expect(await store.revokeApiKey(a.id, key.id, T0 + 20)).toBe(false);
      expect((await store.findApiKey(a.id, key.id))!.revokedAt).toBe(T0 + 10);
      expect(await store.revokeApiKey(a.id, key.id + 1_000_000, T0)).toBe(false);
    });

    it('touch records the latest use and never moves it back', async () => {
      const a = await tenant();
      const k1 = await store.createApiKey(a.id, 'k1', hash(), T0);
      const k2 = await store.createApiKey(a.id, 'k2', hash(), T0);
      await store.touchApiKeys(new Map());
      await store.touchApiKeys(new Map([[k1.id, T0 + 100], [k2.id, T0 + 50]]));
      await store.touchApiKeys(new Map([[k1.id, T0 + 10]]));
      expect((await store.findApiKey(a.id, k1.id))!.lastUsedAt).toBe(T0 + 100);
      expect((await store.findApiKey(a.id, k2.id))!.lastUsedAt).toBe(T0 + 50);
    });
  });

  describe('users', () => {
    it('creates a user, pending verifications and a first token in one go', async () => {
      const a = await tenant();
      const fields = newUser({ firstName: 'Ada', lastName: 'Lovelace', username: 'ada', phone: '+1', referenceId: 'r', orderId: 'o', methodIds: [3, 1] });
      const t = token(T0 + 7 * HOUR);
      const created = await store.createUser(a.id, fields, t, T0);
      if (typeof created === 'string') throw new Error(created);
      const { methodIds: _m, ...userFields } = fields;
      expect(created.user).toEqual({
        ...userFields, id: expect.any(Number), tenantId: a.id, createdAt: T0, updatedAt: T0,
        verifications: [{ methodId: 1, status: 0, updatedAt: T0 }, { methodId: 3, status: 0, updatedAt: T0 }],
      });
      expect(await store.findUser(a.id, created.user.id)).toEqual(created.user);
      const found = await store.findClientToken(a.id, created.tokenId);
      expect(found).toEqual({
        token: { id: created.tokenId, tenantId: a.id, userId: created.user.id, secretHash: t.secretHash, expiresAt: t.expiresAt, revokedAt: null, createdAt: T0, lastUsedAt: null },
        user: created.user,
      });
    });

    it('a taken email is a return value and leaves nothing behind; other tenants may reuse it', async () => {
      const a = await tenant();
      const b = await tenant();
      const first = await user(a, { email: 'same@example.com' });
      expect(await store.createUser(a.id, newUser({ email: 'same@example.com' }), token(), T0)).toBe('email_taken');
      expect((await store.listUsers(a.id, query())).total).toBe(1);
      const other = await user(b, { email: 'same@example.com' });
      expect(other.user.id).not.toBe(first.user.id);
    });

    it('another tenant\'s user looks missing everywhere', async () => {
      const a = await tenant();
      const b = await tenant();
      const { user: u, tokenId } = await user(a);
      expect(await store.findUser(b.id, u.id)).toBeNull();
      expect(await store.updateUser(b.id, u.id, { firstName: 'x' }, T0)).toBeNull();
      expect(await store.deleteUser(b.id, u.id, T0)).toBe(false);
      expect(await store.setVerificationStatus(b.id, u.id, 1, 2, T0)).toBeNull();
      expect(await store.createClientToken(b.id, u.id, token(), T0)).toBeNull();
      expect(await store.revokeClientTokens(b.id, u.id, T0)).toBe(false);
      expect(await store.findClientToken(b.id, tokenId)).toBeNull();
      expect(await store.createVerifyLink(b.id, u.id, hash(), T0 + HOUR, T0)).toBeNull();
      expect((await store.listUsers(b.id, query())).users).toEqual([]);
      // and nothing above touched it
      expect(await store.findUser(a.id, u.id)).toEqual(u);
      expect((await store.findClientToken(a.id, tokenId))!.token.revokedAt).toBeNull();
    });

    it('updates only the fields given, bumps updated_at, and reports a taken email', async () => {
      const a = await tenant();
      const { user: u } = await user(a, { firstName: 'Old', lastName: 'Name' });
      const { user: v } = await user(a);
      const updated = await store.updateUser(a.id, u.id, { firstName: 'New', phone: null }, T0 + 1000);
      expect(updated).toEqual({ ...u, firstName: 'New', phone: null, updatedAt: T0 + 1000 });
      expect(await store.updateUser(a.id, u.id, { email: v.email }, T0 + 2000)).toBe('email_taken');
      expect(await store.findUser(a.id, u.id)).toEqual(updated);
      expect(await store.updateUser(a.id, u.id, {}, T0 + 3000)).toEqual({ ...u, firstName: 'New', phone: null, updatedAt: T0 + 3000 });
      expect(await store.updateUser(a.id, 999_999_999, { firstName: 'x' }, T0)).toBeNull();
    });

    it('sets a verification status and bumps the user; unknown methods are null', async () => {
      const a = await tenant();
      const { user: u } = await user(a, { methodIds: [1, 2] });
      const updated = await store.setVerificationStatus(a.id, u.id, 2, 3, T0 + 500);
      expect(updated!.verifications).toEqual([{ methodId: 1, status: 0, updatedAt: T0 }, { methodId: 2, status: 3, updatedAt: T0 + 500 }]);
      expect(updated!.updatedAt).toBe(T0 + 500);
      expect(await store.findUser(a.id, u.id)).toEqual(updated);
      expect(await store.setVerificationStatus(a.id, u.id, 9, 1, T0 + 600)).toBeNull();
      expect((await store.findUser(a.id, u.id))!.updatedAt).toBe(T0 + 500);
    });

    it('deleting a user revokes all their tokens in the same step', async () => {
      const a = await tenant();
      const { user: u, tokenId } = await user(a);
      const second = (await store.createClientToken(a.id, u.id, token(), T0))!;
      const link = (await store.createVerifyLink(a.id, u.id, hash(), T0 + HOUR, T0))!;
      expect(await store.deleteUser(a.id, u.id, T0 + 10)).toBe(true);
      expect(await store.findUser(a.id, u.id)).toBeNull();
      for (const id of [tokenId, second]) {
        const found = await store.findClientToken(a.id, id);
        expect(found!.token.revokedAt).toBe(T0 + 10);
        expect(found!.user).toBeNull();
      }
      expect(await store.findVerifyLink(a.id, link)).toBeNull();
      expect(await store.deleteUser(a.id, u.id, T0 + 20)).toBe(false);
      expect(await store.createClientToken(a.id, u.id, token(), T0)).toBeNull();
      expect(await store.revokeClientTokens(a.id, u.id, T0)).toBe(false);
    });
  });

  describe('listing users', () => {
    let a: Tenant;
    const people = [
      { email: 'carol@example.com', firstName: 'carol', lastName: 'Zeta', username: 'c_1', status: 'Active' },
      { email: 'alice@example.com', firstName: 'Alice', lastName: null, username: '50%off', status: 'Blocked' },
      { email: 'bob@example.com', firstName: 'Bob', lastName: 'Young', username: null, status: 'Active' },
      { email: 'dave@example.com', firstName: null, lastName: 'Xavier', username: 'cx1', status: 'Active' },
    ];
    let ids: number[];

    beforeAll(async () => {
      a = await tenant();
      ids = [];
      for (const [i, p] of people.entries()) {
        const created = await store.createUser(a.id, newUser(p), token(), T0 + i * 1000);
        if (typeof created === 'string') throw new Error(created);
        ids.push(created.user.id);
      }
      const b = await tenant();
      await user(b, { email: 'alice@example.com', firstName: 'Alice' });
    });

    const emails = async (q: Partial<UserQuery>) => {
      const page = await store.listUsers(a.id, query(q));
      return { total: page.total, emails: page.users.map((u) => u.email.split('@')[0]) };
    };

    it('pages in id order with the total over all pages, verifications included', async () => {
      expect(await emails({ perPage: 3 })).toEqual({ total: 4, emails: ['carol', 'alice', 'bob'] });
      expect(await emails({ perPage: 3, page: 2 })).toEqual({ total: 4, emails: ['dave'] });
      expect(await emails({ perPage: 3, page: 3 })).toEqual({ total: 4, emails: [] });
      const page = await store.listUsers(a.id, query({ perPage: 1 }));
      expect(page.users[0]).toEqual(await store.findUser(a.id, ids[0]));
    });

    it('searches username, names and email, ignoring case, with wildcards taken literally', async () => {
      expect(await emails({ search: 'ALICE' })).toEqual({ total: 1, emails: ['alice'] });
      expect(await emails({ search: 'young' })).toEqual({ total: 1, emails: ['bob'] });
      expect(await emails({ search: '50%' })).toEqual({ total: 1, emails: ['alice'] });
      expect(await emails({ search: 'c_' })).toEqual({ total: 1, emails: ['carol'] });
      expect(await emails({ search: '%' })).toEqual({ total: 1, emails: ['alice'] });
      expect(await emails({ search: 'example.com' })).toMatchObject({ total: 4 });
    });

    it('filters by exact email and status', async () => {
      expect(await emails({ email: 'bob@example.com' })).toEqual({ total: 1, emails: ['bob'] });
      expect(await emails({ email: 'BOB@example.com' })).toEqual({ total: 0, emails: [] });
      expect(await emails({ status: 'Active' })).toEqual({ total: 3, emails: ['carol', 'bob', 'dave'] });
      expect(await emails({ status: 'Active', search: 'xav' })).toEqual({ total: 1, emails: ['dave'] });
    });

    it('sorts in byte order with empty values first, ties by id', async () => {
      expect((await emails({ sort: 'first_name' })).emails).toEqual(['dave', 'alice', 'bob', 'carol']);
      expect((await emails({ sort: 'first_name', descending: true })).emails).toEqual(['carol', 'bob', 'alice', 'dave']);
      expect((await emails({ sort: 'last_name' })).emails).toEqual(['alice', 'dave', 'bob', 'carol']);
      expect((await emails({ sort: 'email' })).emails).toEqual(['alice', 'bob', 'carol', 'dave']);
      expect((await emails({ sort: 'created_at', descending: true })).emails).toEqual(['dave', 'bob', 'alice', 'carol']);
      expect((await emails({ sort: 'id', descending: true, perPage: 2, page: 2 })).emails).toEqual(['alice', 'carol']);
      expect((await emails({ sort: 'updated_at' })).emails).toEqual(['carol', 'alice', 'bob', 'dave']);
    });
  });

  describe('client tokens', () => {
    it('mints any number of live tokens per user', async () => {
      const a = await tenant();
      const { user: u, tokenId } = await user(a);
      const t = token(T0 + 2 * HOUR);
      const id = (await store.createClientToken(a.id, u.id, t, T0 + 5))!;
      expect(id).not.toBe(tokenId);
      const found = await store.findClientToken(a.id, id);
      expect(found).toEqual({
        token: { id, tenantId: a.id, userId: u.id, secretHash: t.secretHash, expiresAt: T0 + 2 * HOUR, revokedAt: null, createdAt: T0 + 5, lastUsedAt: null },
        user: u,
      });
      expect((await store.findClientToken(a.id, tokenId))!.token.revokedAt).toBeNull();
      expect(await store.findClientToken(a.id, id + 1_000_000)).toBeNull();
      expect(await store.createClientToken(a.id, 999_999_999, token(), T0)).toBeNull();
    });

    it('revokes every live token of one user only; earlier revocations keep their time', async () => {
      const a = await tenant();
      const { user: u, tokenId: first } = await user(a);
      const { user: other, tokenId: otherToken } = await user(a);
      await store.revokeClientTokens(a.id, u.id, T0 + 1);
      const second = (await store.createClientToken(a.id, u.id, token(), T0 + 2))!;
      expect(await store.revokeClientTokens(a.id, u.id, T0 + 3)).toBe(true);
      expect((await store.findClientToken(a.id, first))!.token.revokedAt).toBe(T0 + 1);
      expect((await store.findClientToken(a.id, second))!.token.revokedAt).toBe(T0 + 3);
      expect((await store.findClientToken(a.id, otherToken))!.token.revokedAt).toBeNull();
      expect(await store.revokeClientTokens(a.id, u.id, T0 + 4)).toBe(true);
      const third = (await store.createClientToken(a.id, u.id, token(), T0 + 5))!;
      expect((await store.findClientToken(a.id, third))!.token.revokedAt).toBeNull();
      expect(await store.revokeClientTokens(a.id, 999_999_999, T0)).toBe(false);
      expect(other.id).not.toBe(u.id);
    });

    it('touch records the latest use and never moves it back', async () => {
      const a = await tenant();
      const { tokenId } = await user(a);
      await store.touchClientTokens(new Map([[tokenId, T0 + 100]]));
      await store.touchClientTokens(new Map([[tokenId, T0 + 50]]));
      await store.touchClientTokens(new Map());
      expect((await store.findClientToken(a.id, tokenId))!.token.lastUsedAt).toBe(T0 + 100);
    });

    it('purges tokens expired or revoked before the cut-off, and only those', async () => {
      const a = await tenant();
      const base = T0 + 1000 * HOUR; // later than every other test's tokens
      const { user: u } = await user(a);
      const expired = (await store.createClientToken(a.id, u.id, token(base - 10), base - 100))!;
      const live = (await store.createClientToken(a.id, u.id, token(base + HOUR), base - 100))!;
      const { user: v } = await user(a);
      const revoked = (await store.createClientToken(a.id, v.id, token(base + HOUR), base - 100))!;
      await store.revokeClientTokens(a.id, v.id, base - 5);
      const { user: w } = await user(a);
      const revokedLater = (await store.createClientToken(a.id, w.id, token(base + HOUR), base - 100))!;
      await store.revokeClientTokens(a.id, w.id, base + 5);

      const purged = await store.purgeClientTokens(base);
      expect(purged).toBeGreaterThanOrEqual(2);
      expect(await store.findClientToken(a.id, expired)).toBeNull();
      expect(await store.findClientToken(a.id, revoked)).toBeNull();
      expect(await store.findClientToken(a.id, live)).not.toBeNull();
      expect(await store.findClientToken(a.id, revokedLater)).not.toBeNull();
      expect(await store.purgeClientTokens(base)).toBe(0);
    });
  });

  describe('templates and verify links', () => {
    it('creates templates; a taken name is a return value and changes nothing', async () => {
      const a = await tenant();
      const b = await tenant();
      expect(await store.findDefaultTemplate(a.id)).toBeNull();
      const first = await store.createTemplate(a.id, 'Basic', [1, 2], true, T0);
      expect(first).toEqual({ id: expect.any(Number), tenantId: a.id, name: 'Basic', methodIds: [1, 2], isDefault: true, createdAt: T0 });
      if (typeof first === 'string') throw new Error(first);
      expect(await store.createTemplate(a.id, 'Basic', [3], true, T0)).toBe('name_taken');
      expect(await store.findDefaultTemplate(a.id)).toEqual(first);
      expect(await store.createTemplate(b.id, 'Basic', [3], false, T0)).toMatchObject({ tenantId: b.id, isDefault: false });
      expect(await store.findDefaultTemplate(b.id)).toBeNull();
    });

    it('a new default replaces the old one; lookups stay within the tenant', async () => {
      const a = await tenant();
      const b = await tenant();
      const first = await store.createTemplate(a.id, 'One', [1], true, T0);
      const second = await store.createTemplate(a.id, 'Two', [2, 4], true, T0 + 1);
      const third = await store.createTemplate(a.id, 'Three', [5], false, T0 + 2);
      if (typeof first === 'string' || typeof second === 'string' || typeof third === 'string') throw new Error('taken');
      expect(await store.findDefaultTemplate(a.id)).toEqual(second);
      expect(await store.listTemplates(a.id)).toEqual([{ ...first, isDefault: false }, second, third]);
      expect(await store.findTemplate(a.id, third.id)).toEqual(third);
      expect(await store.findTemplate(b.id, third.id)).toBeNull();
      expect(await store.listTemplates(b.id)).toEqual([]);
    });

    it('creates verify links for existing users of the tenant only', async () => {
      const a = await tenant();
      const b = await tenant();
      const { user: u } = await user(a);
      const secretHash = hash();
      const id = (await store.createVerifyLink(a.id, u.id, secretHash, T0 + HOUR, T0))!;
      expect(await store.findVerifyLink(a.id, id)).toEqual({ id, tenantId: a.id, userId: u.id, secretHash, expiresAt: T0 + HOUR, createdAt: T0 });
      expect(await store.findVerifyLink(b.id, id)).toBeNull();
      expect(await store.createVerifyLink(a.id, 999_999_999, hash(), T0 + HOUR, T0)).toBeNull();
    });
  });
});
