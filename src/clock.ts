/** Milliseconds since the epoch. Injected everywhere time matters, so tests can move it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** `YYYY-MM-DD HH:MM:SS` in UTC, the contract's timestamp format for user objects. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO 8601 UTC to the second, for token expiry. */
export function formatIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
