import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { webAssets } from '../embed/assets.js';
import { pagePolicy } from '../embed/html.js';
import { errors } from '../http/errors.js';
import type { Services } from '../services.js';
import type { Tenant } from '../store/types.js';
import { describeVerification } from '../verifications/catalogue.js';
import { demoPage } from './page.js';

export const DEMO_TENANT = 'demo';
export const DEMO_USER = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };
const DEMO_TOKEN_SECONDS = 900;

const SetStatusBody = Type.Object({
  verification_id: Type.Integer({ minimum: 1, maximum: 1000 }),
  status: Type.Integer({ minimum: 0, maximum: 6 }),
});

/**
 * A demo shop on the demo tenant. Its two POST routes play the shop's backend: they act
 * in-process through the services, so the page never holds an API key. They exist only on the
 * demo tenant and only when the server runs with the seed (`--no-seed` turns them off).
 */
export function demoRoutes(app: FastifyInstance, services: Services): void {
  const assets = webAssets();
  const config = { auth: 'tenant' as const };
  const schema = { hide: true };

  const demoTenant = (tenant: Tenant) => {
    if (tenant.name !== DEMO_TENANT) throw errors.routeNotFound();
    return tenant;
  };

  async function demoUser(tenant: Tenant) {
    const { users } = await services.users.list(tenant, { page: 1, perPage: 1, email: DEMO_USER.email, sort: 'id', descending: false });
    if (users[0]) return users[0];
    const created = await services.users.create(tenant, DEMO_USER);
    if (typeof created === 'string') throw errors.server();
    return created.user;
  }

  app.get('/demo', { config, schema }, (request, reply) => {
    demoTenant(request.tenant);
    return reply.headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `${pagePolicy("'none'")}; frame-src 'self'`,
    }).send(demoPage(assets));
  });

  app.post('/demo/session', { config, schema }, async (request) => {
    const tenant = demoTenant(request.tenant);
    const user = await demoUser(tenant);
    const minted = await services.clientTokens.mint(tenant, user.id, DEMO_TOKEN_SECONDS);
    if (!minted) throw errors.server();
    return { token: minted.token, name: `${user.firstName} ${user.lastName}`, verifications: user.verifications.map(describeVerification) };
  });

  app.post<{ Body: Static<typeof SetStatusBody> }>('/demo/verifications', { config, schema: { ...schema, body: SetStatusBody } }, async (request) => {
    const tenant = demoTenant(request.tenant);
    const user = await demoUser(tenant);
    const result = await services.verifications.setStatus(tenant, user.id, request.body.verification_id, request.body.status);
    if (typeof result === 'string') throw errors.validation({ verification_id: ['The selected verification id is invalid.'] });
    return { verifications: result.verifications.map(describeVerification) };
  });
}
