export interface RateLimitDefaults {
  perMinute: number;
  perSecond: number;
  mintsPerMinute: number;
}

/** Per API key, and client tokens minted per end user; each tenant may set its own. */
export const DEFAULT_RATE_LIMITS: RateLimitDefaults = { perMinute: 300, perSecond: 5, mintsPerMinute: 30 };

/** A limit of `limit` requests in any `ms` milliseconds (counted in steps of ms / BUCKETS). */
export interface Window {
  limit: number;
  ms: number;
}

export interface Decision {
  allowed: boolean;
  /** Requests counted in each window (in the order given), this one included when allowed. */
  used: number[];
  /** When refused: milliseconds until a request would be allowed again. */
  retryAfterMs: number;
}

/**
 * Counts requests per key against one or more sliding windows. A request is counted only when
 * every window has room, so refused requests do not use up the allowance.
 */
export interface RateLimiter {
  hit(key: string, windows: Window[]): Promise<Decision>;
  close(): Promise<void>;
}

/**
 * Each window is kept as this many buckets: the count covers the current bucket and the ones
 * before it, so "5 per second" means at most 5 in any 0.9 s, and at most 5 in most 1 s spans.
 */
export const BUCKETS = 10;

export const bucketMs = (window: Window) => window.ms / BUCKETS;
