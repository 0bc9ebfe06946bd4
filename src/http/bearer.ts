/**
 * Reads `Authorization: Bearer <credential>`. The scheme word is case-insensitive; exactly one
 * space separates it from the credential, and the credential itself is one printable-ASCII
 * word. Anything else is null, which every caller turns into a 401.
 */
const BEARER = /^bearer ([\x21-\x7e]+)$/i;
const MAX_HEADER_LENGTH = 200;

export function readBearer(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return null;
  const match = BEARER.exec(header);
  return match ? match[1] : null;
}
