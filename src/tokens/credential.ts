import { SECRET_PATTERN, generateSecret, hashSecret } from './secret.js';

/** `<id>|<secret>`: the shape of both API keys and (before base64) client tokens. */
export interface Credential {
  id: number;
  secret: string;
}

// Ids are positive integers that fit a 64-bit column; 15 digits keeps them exact in a JS number.
const ID_PATTERN = /^[1-9][0-9]{0,14}$/;

export function parseCredential(text: string): Credential | null {
  const bar = text.indexOf('|');
  if (bar <= 0) return null;
  const idText = text.slice(0, bar);
  const secret = text.slice(bar + 1);
  if (!ID_PATTERN.test(idText) || !SECRET_PATTERN.test(secret)) return null;
  return { id: Number(idText), secret };
}

export function formatApiKey(id: number, secret: string): string {
  return `${id}|${secret}`;
}

/** Client tokens are the base64 of `<id>|<secret>`, so they pass through any header or JSON. */
export function formatClientToken(id: number, secret: string): string {
  return Buffer.from(`${id}|${secret}`, 'utf8').toString('base64');
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** Accepts the token with or without its `=` padding, which some clients strip. */
export function parseClientToken(text: string): Credential | null {
  // Longest valid token: 15-digit id + '|' + 40 chars = 56 bytes -> 76 base64 chars.
  if (text.length > 76 || !BASE64_PATTERN.test(text)) return null;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1 || (unpadded.length !== text.length && text.length % 4 !== 0)) return null;
  return parseCredential(Buffer.from(unpadded, 'base64').toString('latin1'));
}

export function newSecret(): { secret: string; secretHash: Buffer } {
  const secret = generateSecret();
  return { secret, secretHash: hashSecret(secret) };
}
