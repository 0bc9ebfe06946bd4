import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAllowedOrigin } from './origins.js';

const ALLOWED_METHODS = 'GET, OPTIONS';
const ALLOWED_HEADERS = ['authorization', 'content-type'];

/**
 * Route-level onSend hook for embed routes: a browser on one of the tenant's embed origins may
 * read the answer (errors included, so a page can see `token_expired` and mint a new token).
 * Any other origin gets no CORS header at all, so the browser withholds the response.
 */
export async function embedCorsHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.header('vary', 'Origin');
  const origin = request.headers.origin;
  if (request.tenant && isAllowedOrigin(request.tenant, origin)) reply.header('access-control-allow-origin', origin);
  return payload;
}

/**
 * Preflight for embed routes: answered only for an allowed origin asking for GET with
 * Authorization (and Content-Type, which the public clients send everywhere). Otherwise
 * 204 without CORS headers, which the browser treats as a refusal.
 */
export function embedPreflight(app: FastifyInstance, path: string): void {
  app.options(path, { config: { auth: 'tenant' }, schema: { hide: true } }, async (request, reply) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    const method = request.headers['access-control-request-method'];
    const asked = String(request.headers['access-control-request-headers'] ?? '')
      .split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
    if (isAllowedOrigin(request.tenant, origin) && method === 'GET' && asked.every((h) => ALLOWED_HEADERS.includes(h))) {
      reply.headers({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-max-age': '600',
      });
    }
    return reply.code(204).send();
  });
}
