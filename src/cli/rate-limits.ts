import { parseLimits } from '../ratelimit/parse.js';
import type { TenantSettings } from '../store/store.js';
import { UsageError } from './output.js';

/**
 * `--rate-limit 600/min,20/s` (per API key) and `--mint-limit 100/min` (client tokens per end
 * user); `default` puts either back to the service default.
 */
export function rateLimitSettings(flags: Record<string, unknown>): TenantSettings {
  const settings: TenantSettings = {};
  const rate = flags['rate-limit'];
  if (typeof rate === 'string') {
    const limits = parseLimits(rate);
    if (!limits) throw new UsageError(`--rate-limit must look like 600/min,20/s (or "default"), got "${rate}"`);
    if (limits.perMinute !== undefined) settings.rateLimitPerMinute = limits.perMinute;
    if (limits.perSecond !== undefined) settings.rateLimitPerSecond = limits.perSecond;
  }
  const mint = flags['mint-limit'];
  if (typeof mint === 'string') {
    const limits = parseLimits(mint);
    if (!limits || limits.perSecond !== undefined || limits.perMinute === undefined) {
      throw new UsageError(`--mint-limit must look like 30/min (or "default"), got "${mint}"`);
    }
    settings.mintLimitPerMinute = limits.perMinute;
  }
  return settings;
}
