import { resolve } from 'node:path';
import { DEFAULT_RATE_LIMITS, type RateLimitDefaults } from './ratelimit/limiter.js';
import { parseLimits } from './ratelimit/parse.js';

/** Everything `tessera serve` can be told, from flags first, then environment, then defaults. */
export interface Config {
  port: number;
  host: string;
  /** SQLite file; used when no databaseUrl is given. */
  dbPath: string;
  /** postgres://... selects the PostgreSQL store. */
  databaseUrl: string | null;
  redisUrl: string | null;
  baseDomain: string;
  logLevel: string;
  workers: number;
  /**
   * Limits for tenants that set none of their own, from TESSERA_RATE_LIMIT and
   * TESSERA_MINT_LIMIT (environment only: `--rate-limit` is the per-tenant flag of `tenant set`).
   */
  rateLimits: RateLimitDefaults;
  /** Create the demo tenant, key and users on an empty database. */
  seed: boolean;
  /** Behind a reverse proxy: generated links take scheme and host from X-Forwarded-*. */
  trustProxy: boolean;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export type Flags = Record<string, string | boolean | string[] | undefined>;

function pick(flags: Flags, flag: string, env: NodeJS.ProcessEnv, ...vars: string[]): string | undefined {
  const fromFlag = flags[flag];
  if (typeof fromFlag === 'string') return fromFlag;
  for (const name of vars) if (env[name] !== undefined && env[name] !== '') return env[name];
  return undefined;
}

function integer(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function rateLimitDefaults(env: NodeJS.ProcessEnv): RateLimitDefaults {
  const limits = { ...DEFAULT_RATE_LIMITS };
  const rate = env.TESSERA_RATE_LIMIT || undefined;
  if (rate !== undefined) {
    const parsed = parseLimits(rate);
    if (!parsed) throw new ConfigError(`TESSERA_RATE_LIMIT must look like 300/min,5/s, got "${rate}"`);
    limits.perMinute = parsed.perMinute ?? DEFAULT_RATE_LIMITS.perMinute;
    limits.perSecond = parsed.perSecond ?? DEFAULT_RATE_LIMITS.perSecond;
  }
  const mint = env.TESSERA_MINT_LIMIT || undefined;
  if (mint !== undefined) {
    const parsed = parseLimits(mint);
    if (!parsed || parsed.perSecond !== undefined) throw new ConfigError(`TESSERA_MINT_LIMIT must look like 30/min, got "${mint}"`);
    limits.mintsPerMinute = parsed.perMinute ?? DEFAULT_RATE_LIMITS.mintsPerMinute;
  }
  return limits;
}

export function loadConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const baseDomain = (pick(flags, 'base-domain', env, 'TESSERA_BASE_DOMAIN', 'BASE_DOMAIN') ?? 'localhost').toLowerCase();
  if (!DOMAIN.test(baseDomain)) throw new ConfigError(`base domain "${baseDomain}" is not a valid host name`);

  const logLevel = pick(flags, 'log-level', env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const databaseUrl = pick(flags, 'database-url', env, 'DATABASE_URL') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('database URL must start with postgres:// or postgresql://');
  }
  const redisUrl = pick(flags, 'redis-url', env, 'REDIS_URL') ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('Redis URL must start with redis:// or rediss://');

  return {
    port: integer(pick(flags, 'port', env, 'PORT'), 'port', 8080, 0, 65535),
    // Loopback unless told otherwise: a first start prints a live key and serves a demo.
    host: pick(flags, 'host', env, 'HOST') ?? 'localhost',
    dbPath: resolve(pick(flags, 'db', env, 'TESSERA_DB') ?? 'data/tessera.db'),
    databaseUrl,
    redisUrl,
    baseDomain,
    logLevel,
    workers: integer(pick(flags, 'workers', env, 'TESSERA_WORKERS'), 'workers', 1, 1, 64),
    rateLimits: rateLimitDefaults(env),
    seed: flags['no-seed'] !== true && env.TESSERA_SEED !== '0',
    trustProxy: flags['trust-proxy'] === true || env.TESSERA_TRUST_PROXY === '1',
  };
}
