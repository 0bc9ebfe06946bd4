import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BUCKETS, bucketMs, type Decision, type RateLimiter, type Window } from './limiter.js';
import { MemoryRateLimiter } from './memory.js';

/**
 * The same sliding windows as MemoryRateLimiter, in one atomic script so that every instance
 * counts against the same numbers. Redis's own clock is used, so instances need not agree on
 * the time. KEYS: one hash per window (bucket -> count). ARGV: BUCKETS, then limit and bucket
 * size in ms for each window. Returns {allowed, retry after ms, used per window...}.
 */
const HIT_SCRIPT = `
local B = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local used, allowed, retry = {}, 1, 0
for i = 1, #KEYS do
  local limit, size = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local cur = math.floor(now / size)
  local flat = redis.call('HGETALL', KEYS[i])
  local buckets, sum = {}, 0
  for j = 1, #flat, 2 do
    local bucket, count = tonumber(flat[j]), tonumber(flat[j + 1])
    if bucket <= cur - B then
      redis.call('HDEL', KEYS[i], flat[j])
    else
      sum = sum + count
      buckets[#buckets + 1] = { bucket, count }
    end
  end
  used[i] = sum
  if sum >= limit then
    allowed = 0
    table.sort(buckets, function(a, b) return a[1] < b[1] end)
    local left = sum
    for _, b in ipairs(buckets) do
      left = left - b[2]
      if left < limit then
        retry = math.max(retry, (b[1] + B) * size - now)
        break
      end
    end
  end
end
if allowed == 1 then
  for i = 1, #KEYS do
    local size = tonumber(ARGV[2 * i + 1])
    redis.call('HINCRBY', KEYS[i], math.floor(now / size), 1)
    redis.call('PEXPIRE', KEYS[i], size * (B + 1))
    used[i] = used[i] + 1
  end
end
local out = { allowed, retry }
for i = 1, #KEYS do out[#out + 1] = used[i] end
return out
`;

type Mode = 'starting' | 'shared' | 'local';

/** After a failed command, Redis is left alone this long before the next try. */
const BACKOFF_MS = 1000;

interface HitCommand {
  tesseraHit(numberOfKeys: number, ...args: Array<string | number>): Promise<number[]>;
}

/**
 * Limits shared by every instance through Redis. When Redis cannot be reached, requests are
 * still served: each instance counts on its own (MemoryRateLimiter) until Redis is back. The
 * log says so once when that starts and once when it ends.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & HitCommand;
  private readonly local = new MemoryRateLimiter();
  private mode: Mode = 'starting';
  private retryAt = 0;
  private closed = false;

  /** `prefix` starts every Redis key, so installations (or tests) can share one Redis. */
  constructor(url: string, private readonly log: Logger, private readonly prefix = 'tessera:rl:') {
    this.redis = new Redis(url, {
      // Never queue or retry a command: a request waits for Redis only while Redis answers.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as Redis & HitCommand;
    this.redis.defineCommand('tesseraHit', { lua: HIT_SCRIPT });
    this.redis.on('ready', () => this.shared());
    this.redis.on('error', (err) => this.degraded(err));
    this.redis.on('close', () => { if (this.mode === 'shared') this.degraded(new Error('connection closed')); });
  }

  async hit(key: string, windows: Window[]): Promise<Decision> {
    if (this.redis.status === 'ready' && Date.now() >= this.retryAt) {
      try {
        const args = [BUCKETS, ...windows.flatMap((w) => [w.limit, bucketMs(w)])];
        // {key} is a hash tag: all windows of one key sit in one Redis Cluster slot.
        const keys = windows.map((w) => `${this.prefix}{${key}}:${w.ms}`);
        const [allowed, retryAfterMs, ...used] = await this.redis.tesseraHit(keys.length, ...keys, ...args);
        this.shared();
        return { allowed: allowed === 1, used, retryAfterMs };
      } catch (err) {
        this.retryAt = Date.now() + BACKOFF_MS;
        this.degraded(err as Error);
      }
    }
    return this.local.hit(key, windows);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.redis.disconnect();
    await this.local.close();
  }

  private shared() {
    if (this.mode === 'shared') return;
    if (this.mode === 'local') this.log.info('Redis is reachable again: rate limits are shared across instances');
    else this.log.info('rate limits are shared across instances through Redis');
    this.mode = 'shared';
  }

  private degraded(err: Error) {
    if (this.mode === 'local' || this.closed) return;
    this.mode = 'local';
    this.log.warn({ err: { message: err.message } }, 'Redis is unreachable: rate limits are counted per instance until it is back');
  }
}
