import { describe, expect, it } from 'vitest';
import { formatApiKey, formatClientToken, parseClientToken, parseCredential } from './credential.js';
import { digestsEqual, generateSecret, hashSecret } from './secret.js';

describe('secrets', () => {
  it('are 40 characters of [A-Za-z0-9], different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = generateSecret();
      expect(s).toMatch(/^[A-Za-z0-9]{40}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(1000);
  });

  it('use every character of the alphabet (no truncated range)', () => {
    const chars = new Set(Array.from({ length: 200 }, () => generateSecret()).join(''));
    expect(chars.size).toBe(62);
  });

  it('draw every character equally often (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) for (const c of generateSecret()) counts.set(c, (counts.get(c) ?? 0) + 1);
    const values = [...counts.values()];
    // 200,000 draws: about 3,226 each, a standard deviation of about 56. A byte taken modulo 62
    // would give 8 characters a quarter more than the rest.
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(1.12);
  });

  it('compare by SHA-256 digest', () => {
    const s = generateSecret();
    expect(hashSecret(s)).toHaveLength(32);
    expect(digestsEqual(hashSecret(s), hashSecret(s))).toBe(true);
    expect(digestsEqual(hashSecret(s), hashSecret(s.toLowerCase() === s ? s.toUpperCase() : s.toLowerCase()))).toBe(false);
    expect(digestsEqual(hashSecret(s), Buffer.alloc(3))).toBe(false);
  });
});

describe('credentials', () => {
  const secret = 'GqRQaD0nMBmGkIKLiPuOPLAckxhupWyjVEZKjsj1';

  it('parse the Sanctum key shape and nothing else', () => {
    expect(parseCredential(formatApiKey(1, secret))).toEqual({ id: 1, secret });
    expect(parseCredential(`123456789012345|${secret}`)).toEqual({ id: 123456789012345, secret });
    for (const bad of ['', '|', `|${secret}`, '1|', `0|${secret}`, `01|${secret}`, `1234567890123456|${secret}`,
      `1|${secret}x`, `1|${secret.slice(1)}`, `1|${secret.slice(1)}-`, `a|${secret}`, `1||${secret}`, ` 1|${secret}`]) {
      expect(parseCredential(bad), bad).toBeNull();
    }
  });

  it('round-trip client tokens through base64, as in the contract example', () => {
    const example = 'MnxMeUwxUUxUWXFQTFdObVhPTm1FYnFlU1cxZ2IwOElzcE9qUmdUN1Ra';
    expect(parseClientToken(example)).toEqual({ id: 2, secret: 'LyL1QLTYqPLWNmXONmEbqeSW1gb08IspOjRgT7TZ' });
    expect(formatClientToken(2, 'LyL1QLTYqPLWNmXONmEbqeSW1gb08IspOjRgT7TZ')).toBe(example);
    expect(parseClientToken(formatClientToken(42, secret))).toEqual({ id: 42, secret });
    const padded = formatClientToken(12, secret);
    expect(padded.endsWith('=')).toBe(true);
    expect(parseClientToken(padded.replace(/=+$/, ''))).toEqual({ id: 12, secret });
    for (const bad of ['', 'x', formatApiKey(1, secret), `${formatClientToken(1, secret)}=`, `${padded}=`, `${padded.replace(/=+$/, '')}=`, 'A'.repeat(80), '!!!!']) {
      expect(parseClientToken(bad), bad).toBeNull();
    }
  });
});
