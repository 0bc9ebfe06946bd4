import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { formatIso } from '../clock.js';
import { errors } from '../http/errors.js';
import { API_KEY_SECURITY, UserIdParams, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { MintTokenBody, MintTokenResponse } from './schema.js';

export function clientTokenRoutes(app: FastifyInstance, { clientTokens }: Services): void {
  const tags = ['client tokens'];
  const config = { auth: 'api-key' as const };
  const security = API_KEY_SECURITY;

  app.post<{ Params: { id: string }; Body: MintTokenBody }>('/users/:id/token', {
    config: { ...config, mintQuota: true },
    schema: {
      tags, security, summary: 'Mint a client token for one user',
      description: 'No body is needed: an empty body, `{}` and `[]` are all accepted.',
      params: UserIdParams, body: MintTokenBody,
      response: { 200: MintTokenResponse, ...errorResponses(400, 401, 404, 413, 422) },
    },
  }, async (request) => {
    const minted = await clientTokens.mint(request.tenant, Number(request.params.id), request.body.expires_in);
    if (!minted) throw errors.userNotFound();
    return { token: minted.token, expires_at: formatIso(minted.expiresAt) };
  });

  app.delete<{ Params: { id: string } }>('/users/:id/token', {
    config,
    schema: {
      tags, security, summary: "Revoke every live client token of one user",
      description: 'Answers 200 with an empty body, also when the user had no live token. Once it has answered, no instance accepts those tokens.',
      params: UserIdParams,
      response: { 200: Type.Null({ description: 'Empty body' }), ...errorResponses(401, 404) },
    },
  }, async (request, reply) => {
    if (!(await clientTokens.revokeAll(request.tenant, Number(request.params.id)))) throw errors.userNotFound();
    return reply.code(200).header('content-length', '0').send();
  });
}
