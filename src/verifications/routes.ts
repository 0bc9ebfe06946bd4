import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errors } from '../http/errors.js';
import { API_KEY_SECURITY, UserIdParams, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { userToJson } from '../users/schema.js';
import { SetVerificationBody, TemplateList, templateToJson } from './schema.js';

export function verificationRoutes(app: FastifyInstance, { verifications }: Services): void {
  const tags = ['verifications'];
  const config = { auth: 'api-key' as const };
  const security = API_KEY_SECURITY;

  app.patch<{ Params: { id: string }; Body: SetVerificationBody }>('/users/:id/verifications', {
    config,
    schema: {
      tags, security, summary: "Set the status of one of a user's verifications",
      description: 'Open embed panels of this user see the change within a second.',
      params: UserIdParams, body: SetVerificationBody,
      response: { 200: Type.Object({ data: Type.Ref('User') }), ...errorResponses(400, 401, 404, 413, 422) },
    },
  }, async (request) => {
    const { verification_id: methodId, status } = request.body;
    const result = await verifications.setStatus(request.tenant, Number(request.params.id), methodId, status);
    if (result === 'user_not_found') throw errors.userNotFound();
    if (result === 'invalid_status') throw errors.validation({ status: ['The selected status is invalid.'] });
    if (result === 'method_not_assigned') throw errors.validation({ verification_id: ['The selected verification id is invalid.'] });
    return { data: userToJson(result) };
  });

  app.get('/settings/templates/verifications', {
    config,
    schema: { tags, security, summary: 'List verification templates', response: { 200: TemplateList, ...errorResponses(401, 404) } },
  }, async (request) => ({ data: (await verifications.listTemplates(request.tenant)).map(templateToJson) }));
}
