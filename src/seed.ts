import type { Services } from './services.js';

export interface SeedResult {
  tenant: string;
  key: string;
  userIds: number[];
}

const DEMO_USERS = [
  { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
  { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' },
];

/**
 * On a database with no tenant at all, creates tenant "demo", one API key and two users, so a
 * first start has something to call. Returns null when there was anything to keep.
 */
export async function seedIfEmpty(services: Services): Promise<SeedResult | null> {
  if ((await services.tenants.list()).length > 0) return null;
  const tenant = await services.tenants.create('demo');
  if (typeof tenant === 'string') return null; // another instance seeded it first
  const { key } = await services.keys.create(tenant, 'seed');
  // Created before the users, so they get its methods (it is the tenant's default).
  await services.verifications.createTemplate(tenant, 'Shop checkout', [1, 2, 3, 8], true);
  const userIds: number[] = [];
  for (const user of DEMO_USERS) {
    const created = await services.users.create(tenant, user);
    if (typeof created !== 'string') userIds.push(created.user.id);
  }
  return { tenant: tenant.name, key, userIds };
}

/** The one time the seed key is shown: on the terminal, never through the logger. */
export function seedBanner(seed: SeedResult, origin: string): string {
  const userId = seed.userIds[seed.userIds.length - 1];
  const headers = `--header 'Content-Type: application/json' --header 'Authorization: Bearer ${seed.key}'`;
  return [
    '',
    `Created tenant "${seed.tenant}" with users ${seed.userIds.join(' and ')} and this API key (shown once, stored only as a hash):`,
    '',
    `  ${seed.key}`,
    '',
    'Mint a client token for a user, then revoke every token of that user:',
    '',
    `  curl -X POST '${origin}/account/api/users/${userId}/token' ${headers}`,
    `  curl -X DELETE '${origin}/account/api/users/${userId}/token' ${headers}`,
    '',
    `Or open the demo shop in a browser: ${origin}/demo`,
    '',
  ].join('\n');
}
