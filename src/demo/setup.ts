import { normalizeOrigin } from '../embed/origins.js';
import type { Services } from '../services.js';
import { DEMO_TENANT } from './routes.js';

/**
 * The demo page frames the panel from the demo tenant's own origin, so that origin must be an
 * allowed embed origin. Added at start (the port may differ from the last run), only to the
 * demo tenant, and only when missing.
 */
export async function allowDemoOrigin(services: Services, url: string): Promise<void> {
  const tenant = await services.tenants.findByName(DEMO_TENANT);
  const origin = normalizeOrigin(url);
  if (!tenant || !origin || tenant.embedOrigins.includes(origin)) return;
  await services.tenants.update(tenant.name, { embedOrigins: [...tenant.embedOrigins, origin] });
}
