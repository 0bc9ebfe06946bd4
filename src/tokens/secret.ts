import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SECRET_LENGTH = 40;
export const SECRET_PATTERN = /^[A-Za-z0-9]{40}$/;

/** 40 characters of [A-Za-z0-9] from the CSPRNG, without modulo bias (randomInt rejects). */
export function generateSecret(length = SECRET_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two SHA-256 digests in constant time; digests always have equal length. */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A digest that no secret hashes to in practice. Checked against when a lookup finds no row,
 * so that a missing id costs the same hash-and-compare as a present one.
 */
export const UNMATCHABLE_DIGEST = hashSecret('\u0000tessera:no-such-credential');
