/** What `--rate-limit` and `--mint-limit` set; null puts a limit back to the service default. */
export interface ParsedLimits {
  perMinute?: number | null;
  perSecond?: number | null;
}

export const MAX_LIMIT = 10_000_000;
const PART = /^(\d{1,8})\/(s|sec|second|m|min|minute)$/;

/**
 * `600/min,20/s`, either part alone, or `default` for both. Null when the text is not that.
 * Units: s, sec, second; m, min, minute.
 */
export function parseLimits(text: string): ParsedLimits | null {
  if (text.trim() === 'default') return { perMinute: null, perSecond: null };
  const limits: ParsedLimits = {};
  for (const part of text.split(',')) {
    const match = PART.exec(part.trim());
    if (!match) return null;
    const n = Number(match[1]);
    if (n < 1 || n > MAX_LIMIT) return null;
    const unit = match[2].startsWith('s') ? 'perSecond' : 'perMinute';
    if (limits[unit] !== undefined) return null;
    limits[unit] = n;
  }
  return limits;
}
