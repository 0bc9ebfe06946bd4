import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { useServer } from './helpers/fixture.js';
import { rawRequest } from './helpers/http.js';

/** Sends the Authorization value as raw bytes, so nothing in a client library cleans it up. */
function getUsers(port: number, authorization: Buffer | string) {
  const head = Buffer.from(`GET /api/users HTTP/1.1\r\nHost: acme.localhost\r\nConnection: close\r\nAuthorization: `, 'latin1');
  const value = typeof authorization === 'string' ? Buffer.from(authorization, 'latin1') : authorization;
  return rawRequest(port, Buffer.concat([head, value, Buffer.from('\r\n\r\n')]));
}

/** The key with the first letter of its secret in the other case. */
function flipCase(key: string): string {
  const at = key.indexOf('|') + 1 + key.slice(key.indexOf('|') + 1).search(/[A-Za-z]/);
  const c = key[at];
  return key.slice(0, at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + key.slice(at + 1);
}

describe.each(backends)('malformed Authorization headers on $name', (backend) => {
  const f = useServer(backend);

  const malformed = (key: string, otherKey: string, clientToken: string): Array<[string, Buffer | string]> => {
    const [id, secret] = key.split('|');
    return [
      ['empty value', ''],
      ['scheme only', 'Bearer'],
      ['scheme and space', 'Bearer '],
      ['wrong scheme Basic', `Basic ${key}`],
      ['wrong scheme Token', `Token ${key}`],
      ['no scheme', key],
      ['whole value quoted', `"Bearer ${key}"`],
      ['key in double quotes', `Bearer "${key}"`],
      ['key in single quotes', `Bearer '${key}'`],
      ['percent signs', 'Bearer %%'],
      ['key with %% appended', `Bearer ${key}%%`],
      ['non-ASCII before the key (UTF-8)', Buffer.concat([Buffer.from('Bearer '), Buffer.from('ü', 'utf8'), Buffer.from(key)])],
      ['non-ASCII inside the secret (UTF-8)', Buffer.concat([Buffer.from(`Bearer ${id}|`), Buffer.from('ééé', 'utf8'), Buffer.from(secret.slice(3))])],
      ['latin-1 byte', `Bearer ${key}\xff`],
      ['empty id', `Bearer |${secret}`],
      ['empty secret', `Bearer ${id}|`],
      ['only a bar', 'Bearer |'],
      ['huge id', `Bearer 99999999999999999999999999|${secret}`],
      ['id zero', `Bearer 0|${secret}`],
      ['negative id', `Bearer -${id}|${secret}`],
      ['exponent id', `Bearer 1e3|${secret}`],
      ['8 KB value', `Bearer ${'A'.repeat(8 * 1024)}`],
      ['8 KB secret', `Bearer ${id}|${'a'.repeat(8 * 1024)}`],
      ['two spaces', `Bearer  ${key}`],
      ['tab instead of space', `Bearer\t${key}`],
      ['one letter of the secret in the other case', `Bearer ${flipCase(key)}`],
      ['secret one character short', `Bearer ${key.slice(0, -1)}`],
      ['secret one character long', `Bearer ${key}a`],
      ['double bar', `Bearer ${id}||${secret}`],
      ['two keys', `Bearer ${key} ${key}`],
      ['another tenant\'s key', `Bearer ${otherKey}`],
      ['a client token', `Bearer ${clientToken}`],
      ['SQL in the id', `Bearer 1 OR 1=1|${secret}`],
    ];
  };

  it('answers every malformed value with 401 api_auth_error, never 500', async () => {
    const user = await f.server.call('acme', f.acmeKey, 'POST', '/api/users', { body: { email: 'header.table@example.com' } });
    const cases = malformed(f.acmeKey, f.otherKey, user.json.token);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const [name, value] of cases) {
      const res = await getUsers(f.server.port, value);
      expect(res.status, name).toBe(401);
      expect(JSON.parse(res.body), name).toEqual({ error_type: 'api_auth_error', error_message: 'Unauthenticated.' });
      expect(res.text, name).toMatch(/\r\nwww-authenticate: Bearer\r\n/i);
    }
  });

  it('takes the scheme word in any case', async () => {
    const [, secret] = f.acmeKey.split('|');
    expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await getUsers(f.server.port, `${scheme} ${f.acmeKey}`);
      expect(res.status, scheme).toBe(200);
    }
  });
});
