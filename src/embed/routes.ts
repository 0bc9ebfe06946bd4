import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { formatIso } from '../clock.js';
import { readBearer } from '../http/bearer.js';
import { CLIENT_TOKEN_SECURITY, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { describeVerification } from '../verifications/catalogue.js';
import { embedCorsHeaders, embedPreflight } from './cors.js';
import { SessionEventStream } from './events.js';
import { EmbedSession } from './schema.js';

/** Routes the browser calls with a client token: they act for that one user only. */
export function embedRoutes(app: FastifyInstance, services: Services): void {
  const config = { auth: 'client-token' as const };
  const tags = ['embed'];
  const security = CLIENT_TOKEN_SECURITY;

  app.get('/embed/session', {
    config,
    onSend: embedCorsHeaders,
    schema: {
      tags, security,
      summary: 'The user and account a client token acts for',
      response: { 200: EmbedSession, ...errorResponses(401, 404) },
    },
  }, async (request) => {
    const { user, token } = request.session;
    return {
      user: {
        id: user.id,
        user_id: user.userId,
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        status: user.status,
        verifications: user.verifications.map(describeVerification),
      },
      account: { name: request.tenant.name },
      expires_at: formatIso(token.expiresAt),
    };
  });

  // Streams must not hold a shutdown open: they end first, and the panels reconnect elsewhere.
  const open = new Set<SessionEventStream>();
  app.addHook('preClose', async () => { for (const stream of open) stream.stop(); });

  app.get('/embed/events', {
    config,
    onSend: embedCorsHeaders,
    schema: {
      tags, security,
      summary: "Live changes to the user's verifications (server-sent events)",
      description: 'Read with fetch and the Authorization header (never a token in the URL). Events: '
        + '`verifications` `{verifications, complete}` at once and on every change; `token_error` '
        + '(the 401 body) when the token is revoked or expires, then the stream ends; `reconnect` '
        + 'before the stream ends after a few minutes.',
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses(401, 404) },
    },
  }, async (request, reply) => {
    const stream = new SessionEventStream(services, request.tenant, readBearer(request.headers.authorization)!, request.session);
    open.add(stream);
    reply.raw.once('close', () => { stream.stop(); open.delete(stream); });
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream.readable);
  });

  embedPreflight(app, '/embed/session');
  embedPreflight(app, '/embed/events');
}
