import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from './helpers/backends.js';
import { CLIENT_TOKEN_PLAINTEXT } from './helpers/fixture.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/tessera.js');

describe.each(backends)('the tessera command on $name', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => { db = await backend.createDatabase(); });
  afterAll(async () => { await db?.drop(); });

  /** Runs tessera; resolves with exit code and output instead of throwing on failure. */
  async function tessera(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args, ...db.cliArgs]);
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }
  const json = async (...args: string[]) => {
    const res = await tessera(...args, '--json');
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout);
  };
  const fails = async (...args: string[]) => {
    const res = await tessera(...args);
    expect(res.code, args.join(' ')).not.toBe(0);
    expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    expect(res.stderr).toMatch(/^tessera: /);
    expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    return res.stderr;
  };

  it('administers tenants, keys, users and tokens, with --json output', async () => {
    expect(await json('tenant', 'create', 'shop')).toMatchObject({ name: 'shop', token_ttl_seconds: 3600 });
    expect((await json('tenant', 'list')).map((t: { name: string }) => t.name)).toContain('shop');
    expect(await json('tenant', 'set', 'shop', '--token-ttl', '900')).toMatchObject({ token_ttl_seconds: 900 });

    const key = await json('key', 'create', 'shop', '--name', 'backend');
    expect(Object.keys(key).sort()).toEqual(['id', 'key']);
    expect(key.key).toMatch(new RegExp(`^${key.id}\\|[A-Za-z0-9]{40}$`));
    const keys = await json('key', 'list', 'shop');
    expect(keys).toEqual([expect.objectContaining({ id: key.id, name: 'backend', revoked_at: null })]);
    expect(JSON.stringify(keys)).not.toContain(key.key.split('|')[1]);

    const user = await json('user', 'create', 'shop', '--email', 'Cli.User@Example.com', '--first-name', 'Cli');
    expect(user).toMatchObject({ email: 'cli.user@example.com', first_name: 'Cli' });
    expect((await json('user', 'list', 'shop')).map((u: { id: number }) => u.id)).toEqual([user.id]);

    const token = await json('token', 'create', 'shop', String(user.id));
    expect(Buffer.from(token.token, 'base64').toString()).toMatch(CLIENT_TOKEN_PLAINTEXT);
    expect(Date.parse(token.expires_at) - Date.now()).toBeLessThanOrEqual(900_000);

    expect(await json('key', 'revoke', 'shop', String(key.id))).toEqual({ id: key.id, revoked: true });
    expect((await json('key', 'list', 'shop'))[0].revoked_at).not.toBeNull();
    await fails('key', 'revoke', 'shop', String(key.id));
  });

  it('refuses to work on a database that does not exist (a mistyped --db)', async () => {
    const missing = ['--db', `${db.file ?? '/tmp'}-typo/x.db`];
    const res = await run(process.execPath, [BIN, 'tenant', 'list', ...missing]).catch((e) => e);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^tessera: no database at .*x\.db: check --db/);
  });

  it('prints people-readable output without --json', async () => {
    const res = await tessera('tenant', 'list');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^id\s+name\s+token_ttl_seconds/);
  });

  it('exits non-zero with one line on bad input', async () => {
    await fails('tenant', 'create', 'Not A Name');
    expect((await tessera('tenant', 'create', 'shop2')).code).toBe(0);
    expect(await fails('tenant', 'create', 'shop2')).toMatch(/already exists/);
    expect(await fails('key', 'create', 'nobody')).toMatch(/no tenant named "nobody"/);
    await fails('key', 'revoke', 'shop2', 'abc');
    await fails('user', 'create', 'shop2');
    await fails('user', 'create', 'shop2', '--email', 'not-an-email');
    await fails('token', 'create', 'shop2', '999999');
    await fails('token', 'create', 'shop2', '1', '--expires-in', '10');
    await fails('tenant', 'set', 'shop2', '--token-ttl', '999999');
    await fails('frobnicate');
    await fails('tenant', 'explode');
    await fails('tenant', 'list', '--no-such-flag');
    expect(await fails('serve', '--port', 'eighty')).toMatch(/port must be a whole number/);
    expect(await fails('serve', '--log-level', 'loud')).toMatch(/log level/);
  });
});
