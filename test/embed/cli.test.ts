import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type TestDatabase } from '../helpers/backends.js';

const run = promisify(execFile);

/** `tessera` as a user runs it (bin/tessera.js over dist/; `npm run build` first). */
async function tessera(db: TestDatabase, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/tessera.js', ...args, ...db.cliArgs], { env: { ...process.env, TESSERA_DB: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tessera tenant set --embed-origin and tessera template', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await sqliteBackend.createDatabase();
    expect((await tessera(db, 'tenant', 'create', 'acme')).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('sets, normalises, replaces and clears the embed origins', async () => {
    const set = await tessera(db, 'tenant', 'set', 'acme', '--embed-origin', 'https://Shop.Example.com:443', '--embed-origin', 'http://localhost:3000', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).embed_origins).toEqual(['https://shop.example.com', 'http://localhost:3000']);
    const replaced = await tessera(db, 'tenant', 'set', 'acme', '--embed-origin', 'https://new.example.com', '--json');
    expect(JSON.parse(replaced.stdout).embed_origins).toEqual(['https://new.example.com']);
    const cleared = await tessera(db, 'tenant', 'set', 'acme', '--clear-embed-origins', '--json');
    expect(JSON.parse(cleared.stdout).embed_origins).toEqual([]);
  });

  it('refuses anything that is not an exact origin, and changes nothing', async () => {
    await tessera(db, 'tenant', 'set', 'acme', '--embed-origin', 'https://keep.example.com');
    for (const bad of ['https://*.example.com', 'https://shop.example.com/path', 'shop.example.com', 'null', 'ftp://x.example.com']) {
      const res = await tessera(db, 'tenant', 'set', 'acme', '--embed-origin', 'https://fine.example.com', '--embed-origin', bad);
      expect(res.code, bad).toBe(2);
      expect(res.stderr).toContain('is not an origin');
    }
    const both = await tessera(db, 'tenant', 'set', 'acme', '--embed-origin', 'https://a.example.com', '--clear-embed-origins');
    expect(both.code).toBe(2);
    const list = JSON.parse((await tessera(db, 'tenant', 'list', '--json')).stdout);
    expect(list[0].embed_origins).toEqual(['https://keep.example.com']);
  });

  it('creates templates, lists them, and a new user gets the default one', async () => {
    const basic = await tessera(db, 'template', 'create', 'acme', 'Basic', '--method', '1', '--method', '7', '--json');
    expect(basic.code).toBe(0);
    expect(JSON.parse(basic.stdout)).toMatchObject({ name: 'Basic', is_default: false, verifications: [{ id: 1, name: 'Email' }, { id: 7, name: 'Secure Card' }] });
    const full = await tessera(db, 'template', 'create', 'acme', 'Full', '--method', '3,12', '--default');
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('(default)');

    const listed = await tessera(db, 'template', 'list', 'acme');
    expect(listed.stdout).toMatch(/Basic\s+Email, Secure Card/);
    expect(listed.stdout).toMatch(/Full\s+yes\s+Document, Live Video/);
    const user = JSON.parse((await tessera(db, 'user', 'create', 'acme', '--email', 'tpl@example.com', '--json')).stdout);
    expect(user.verifications.map((v: { id: number }) => v.id)).toEqual([3, 12]);

    for (const args of [['Bad', '--method', '13'], ['Bad', '--method', 'x'], ['NoMethods'], ['Basic', '--method', '1']]) {
      const res = await tessera(db, 'template', 'create', 'acme', ...args);
      expect(res.code, args.join(' ')).toBe(2);
    }
    expect((await tessera(db, 'template', 'list', 'nobody')).stderr).toContain('no tenant named');
  });
});
