import type { FastifyInstance } from 'fastify';
import { formatIso } from '../clock.js';
import { CLIENT_TOKEN_SECURITY, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { describeVerification } from '../verifications/catalogue.js';
import { EmbedSession } from './schema.js';

/** Routes the browser calls with a client token: they act for that one user only. */
export function embedRoutes(app: FastifyInstance, _services: Services): void {
  app.get('/embed/session', {
    config: { auth: 'client-token' },
    schema: {
      tags: ['embed'], security: CLIENT_TOKEN_SECURITY,
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
}
