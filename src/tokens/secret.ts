import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SECRET_LENGTH = 40;
export const SECRET_PATTERN = /^[A-Za-z0-9]{40}$/;

/** The largest multiple of 62 that fits a byte: bytes at or above it are drawn again. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

// Random bytes are drawn 4 KiB at a time (as crypto.randomInt does internally): one call into
// the CSPRNG per ~100 secrets instead of one per secret. Each byte is used once.
const pool = Buffer.alloc(4096);
let next = pool.length;

function randomByte(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++];
}

/** 40 characters of [A-Za-z0-9] from the CSPRNG, each equally likely (rejection sampling). */
export function generateSecret(length = SECRET_LENGTH): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % ALPHABET.length];
  }
  return out;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two SHA-256 digests in constant time; digests always have equal length. */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A digest that no secret hashes to in practice; stands in when a lookup found no row. */
const UNMATCHABLE_DIGEST = hashSecret('\u0000tessera:no-such-credential');

/**
 * Whether `secret` is the one whose digest was stored. With no stored digest (no row for that
 * id) the same hash and compare still run, so a missing id answers no faster than a wrong
 * secret: callers never branch on the row before calling this.
 */
export function secretMatches(secret: string, storedDigest: Buffer | undefined): boolean {
  const matches = digestsEqual(hashSecret(secret), storedDigest ?? UNMATCHABLE_DIGEST);
  return storedDigest !== undefined && matches;
}
