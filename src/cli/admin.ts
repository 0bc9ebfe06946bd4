import { formatIso } from '../clock.js';
import { MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '../client-tokens/service.js';
import type { Services } from '../services.js';
import type { Tenant, TenantSettings } from '../store/store.js';
import { userToJson } from '../users/schema.js';
import { UsageError, printResult, table } from './output.js';
import { embedOriginSetting } from './embed-origins.js';
import { rateLimitSettings } from './rate-limits.js';

export interface CommandInput {
  services: Services;
  args: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
}

const when = (ms: number | null) => (ms === null ? null : formatIso(ms));

function wholeNumber(text: string | undefined, what: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined || !/^\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${what} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ''}, got ${text === undefined ? 'nothing' : `"${text}"`}`);
  }
  return Number(text);
}

function stringFlag(flags: CommandInput['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export async function tenantNamed(services: Services, name: string | undefined): Promise<Tenant> {
  if (!name) throw new UsageError('missing tenant name');
  const tenant = await services.tenants.findByName(name);
  if (!tenant) throw new UsageError(`no tenant named "${name}"`);
  return tenant;
}

function tenantJson(t: Tenant) {
  return {
    id: t.id, name: t.name, token_ttl_seconds: t.tokenTtlSeconds, embed_origins: t.embedOrigins,
    rate_limit_per_minute: t.rateLimitPerMinute, rate_limit_per_second: t.rateLimitPerSecond,
    mint_limit_per_minute: t.mintLimitPerMinute,
    created_at: formatIso(t.createdAt),
  };
}

export const tenantCommands = {
  async create({ services, args, flags, json }: CommandInput) {
    const name = args[0];
    if (!name) throw new UsageError('usage: tessera tenant create <name> [--token-ttl seconds]');
    const created = await services.tenants.create(name);
    if (created === 'invalid_name') throw new UsageError(`"${name}" is not a valid tenant name (lowercase letters, digits and inner hyphens, at most 63)`);
    if (created === 'name_taken') throw new UsageError(`a tenant named "${name}" already exists`);
    const ttl = stringFlag(flags, 'token-ttl');
    const tenant = ttl === undefined ? created
      : (await services.tenants.update(name, { tokenTtlSeconds: wholeNumber(ttl, '--token-ttl', MIN_TTL_SECONDS, MAX_TTL_SECONDS) }))!;
    printResult(json, tenantJson(tenant), () => `created tenant ${tenant.name} (id ${tenant.id})`);
  },

  async list({ services, json }: CommandInput) {
    const tenants = (await services.tenants.list()).map(tenantJson);
    printResult(json, tenants, () => table(tenants, ['id', 'name', 'token_ttl_seconds', 'created_at']));
  },

  async set({ services, args, flags, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const settings: TenantSettings = {};
    const ttl = stringFlag(flags, 'token-ttl');
    if (ttl !== undefined) settings.tokenTtlSeconds = wholeNumber(ttl, '--token-ttl', MIN_TTL_SECONDS, MAX_TTL_SECONDS);
    const origins = embedOriginSetting(flags);
    if (origins !== undefined) settings.embedOrigins = origins;
    Object.assign(settings, rateLimitSettings(flags));
    if (Object.keys(settings).length === 0) throw new UsageError('nothing to set: give --token-ttl, --rate-limit, --mint-limit, --embed-origin or --clear-embed-origins');
    const updated = (await services.tenants.update(tenant.name, settings))!;
    printResult(json, tenantJson(updated), () => `updated tenant ${updated.name}`);
  },
};

export const keyCommands = {
  async create({ services, args, flags, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const name = stringFlag(flags, 'name') ?? 'default';
    const { record, key } = await services.keys.create(tenant, name);
    printResult(json, { id: record.id, key }, () => `API key ${record.id} for ${tenant.name} (shown once, stored only as a hash):\n${key}`);
  },

  async list({ services, args, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    // Only hashes are stored, so there is no secret to leave out: ids and metadata only.
    const keys = (await services.keys.list(tenant)).map((k) => ({
      id: k.id, name: k.name, created_at: formatIso(k.createdAt), last_used_at: when(k.lastUsedAt), revoked_at: when(k.revokedAt),
    }));
    printResult(json, keys, () => table(keys, ['id', 'name', 'created_at', 'last_used_at', 'revoked_at']));
  },

  async revoke({ services, args, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const id = wholeNumber(args[1], 'key id');
    if (!(await services.keys.revoke(tenant, id))) throw new UsageError(`tenant ${tenant.name} has no live key ${id}`);
    printResult(json, { id, revoked: true }, () => `revoked key ${id}`);
  },
};

export const userCommands = {
  async create({ services, args, flags, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const email = stringFlag(flags, 'email');
    if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError('--email must be a valid email address');
    const template = stringFlag(flags, 'template');
    const result = await services.users.create(tenant, {
      email: email.toLowerCase(),
      firstName: stringFlag(flags, 'first-name'),
      lastName: stringFlag(flags, 'last-name'),
      templateId: template === undefined ? undefined : wholeNumber(template, '--template'),
    });
    if (result === 'email_taken') throw new UsageError(`tenant ${tenant.name} already has a user ${email}`);
    if (result === 'template_invalid') throw new UsageError(`tenant ${tenant.name} has no template ${template}`);
    printResult(json, userToJson(result.user), () => `created user ${result.user.id} (${result.user.email})`);
  },

  async list({ services, args, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const users: Array<ReturnType<typeof userToJson>> = [];
    for (let page = 1; ; page++) {
      const { users: batch } = await services.users.list(tenant, { page, perPage: 100, sort: 'id', descending: false });
      users.push(...batch.map(userToJson));
      if (batch.length < 100) break;
    }
    printResult(json, users, () => table(users, ['id', 'email', 'first_name', 'last_name', 'status', 'created_at']));
  },
};

export const tokenCommands = {
  async create({ services, args, flags, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const userId = wholeNumber(args[1], 'user id');
    const expiresIn = stringFlag(flags, 'expires-in');
    const minted = await services.clientTokens.mint(tenant, userId,
      expiresIn === undefined ? undefined : wholeNumber(expiresIn, '--expires-in', MIN_TTL_SECONDS, MAX_TTL_SECONDS));
    if (!minted) throw new UsageError(`tenant ${tenant.name} has no user ${userId}`);
    printResult(json, { token: minted.token, expires_at: formatIso(minted.expiresAt) },
      () => `${minted.token}\n(expires ${formatIso(minted.expiresAt)})`);
  },
};
