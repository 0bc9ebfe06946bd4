import { normalizeOrigin } from '../embed/origins.js';
import type { CommandInput } from './admin.js';
import { UsageError } from './output.js';

/**
 * `--embed-origin <origin>` (repeatable) replaces the tenant's list with exactly the origins
 * given; `--clear-embed-origins` empties it. Undefined when neither flag is present.
 */
export function embedOriginSetting(flags: CommandInput['flags']): string[] | undefined {
  const given = flags['embed-origin'];
  const values = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  const clear = flags['clear-embed-origins'] === true;
  if (clear && values.length > 0) throw new UsageError('give either --embed-origin or --clear-embed-origins, not both');
  if (clear) return [];
  if (values.length === 0) return undefined;
  const origins = values.map((value) => {
    const origin = normalizeOrigin(value);
    if (!origin) {
      throw new UsageError(`"${value}" is not an origin: give scheme, host and port only, like https://shop.example.com or http://localhost:3000 (no path, no wildcard)`);
    }
    return origin;
  });
  return [...new Set(origins)];
}
