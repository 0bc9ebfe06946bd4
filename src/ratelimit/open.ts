import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RateLimiter } from './limiter.js';
import { MemoryRateLimiter } from './memory.js';
import { RedisRateLimiter } from './redis.js';

/** Shared through Redis when a Redis URL is configured, counted in this process otherwise. */
export function openRateLimiter(config: Pick<Config, 'redisUrl'>, logger: Logger): RateLimiter {
  return config.redisUrl ? new RedisRateLimiter(config.redisUrl, logger) : new MemoryRateLimiter();
}
