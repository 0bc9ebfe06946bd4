import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../http/errors.js';
import type { Services } from '../services.js';
import { verifyPaths } from '../verify-links/routes.js';
import { webAssets, type Asset } from './assets.js';
import { messagePage, pagePolicy, panelPage } from './html.js';
import { frameAncestors } from './origins.js';

const hidden = { hide: true };

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) {
  const etag = `"${asset.hash}"`;
  reply.headers({
    'content-type': asset.contentType,
    'cache-control': cacheControl,
    etag,
    // Tenant pages on other origins load the loader; CORS lets them use `integrity=`.
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
  });
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(asset.body);
}

function sendPage(reply: FastifyReply, status: number, html: string, ancestors: string) {
  return reply.code(status).headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': pagePolicy(ancestors),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  }).send(html);
}

const wantsJson = (request: FastifyRequest) => {
  const accept = String(request.headers.accept ?? '');
  return accept.includes('application/json') && !accept.includes('text/html');
};

/**
 * The browser-facing pages outside the API prefixes: the TrustVerify loader (any host), the
 * hosted panel that the loader frames, and verify links that open the panel as a full page.
 */
export function embedPageRoutes(app: FastifyInstance, services: Services): void {
  const assets = webAssets();

  for (const path of ['/trust-verify.js', '/account/trust-verify.js']) {
    app.get(path, { schema: hidden }, (request, reply) =>
      sendAsset(request, reply, assets.loader, 'public, max-age=300'));
  }

  app.get<{ Params: { file: string } }>('/account/assets/:file', { schema: hidden }, (request, reply) => {
    const asset = assets.byName.get(request.params.file);
    if (!asset) throw errors.routeNotFound();
    return sendAsset(request, reply, asset, 'public, max-age=31536000, immutable');
  });

  // The panel carries no user data until the loader hands it a token by postMessage; it may
  // be framed only by the tenant's embed origins.
  app.get('/account/embed', { config: { auth: 'tenant' }, schema: hidden }, (request, reply) => {
    const { tenant } = request;
    return sendPage(reply, 200, panelPage(assets, { mode: 'embed', allowedOrigins: tenant.embedOrigins }), frameAncestors(tenant));
  });

  app.get<{ Params: { code: string } }>('/v/:code', { config: { auth: 'tenant' }, schema: hidden }, (request, reply) =>
    reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      .header('location', verifyPaths(encodeURIComponent(request.params.code)).full).send());

  // GET only: a HEAD from a link scanner must not mint a token.
  app.get<{ Params: { code: string } }>('/account/verify/:code', { config: { auth: 'tenant' }, schema: hidden, exposeHeadRoute: false }, async (request, reply) => {
    const { tenant } = request;
    const check = await services.verifyLinks.check(tenant, request.params.code);
    if (!check.valid) {
      const expired = check.reason === 'expired';
      const title = expired ? 'This link has expired' : 'This link is not valid';
      const message = expired
        ? 'Ask for a new verification link.'
        : 'Check that you opened the whole link, exactly as you received it, or ask for a new one.';
      const status = expired ? 410 : 404;
      if (wantsJson(request)) {
        return reply.code(status).header('cache-control', 'no-store')
          .send({ error_type: 'api_link_error', error_message: title + '.', code: expired ? 'link_expired' : 'link_invalid' });
      }
      return sendPage(reply, status, messagePage(assets, title, message), "'none'");
    }
    // The page gets a client token of its own, inside the HTML (never in a URL), living no
    // longer than the link (but at least the minimum token life).
    // Each open mints, so opens count against the user's mint quota like API mints do.
    try {
      await app.checkMintQuota(tenant, check.user.id);
    } catch (error) {
      if (wantsJson(request) || !(error instanceof ApiError)) throw error;
      return sendPage(reply.headers(error.headers), error.statusCode, messagePage(assets, 'Too many attempts', 'This link was opened too often. Wait a minute, then try again.'), "'none'");
    }
    const remaining = Math.floor((check.link.expiresAt - services.clock()) / 1000);
    const ttl = Math.max(60, Math.min(tenant.tokenTtlSeconds, remaining));
    const minted = await services.clientTokens.mint(tenant, check.user.id, ttl);
    if (!minted) throw errors.server();
    return sendPage(reply, 200, panelPage(assets, { mode: 'page', token: minted.token }), "'none'");
  });
}
