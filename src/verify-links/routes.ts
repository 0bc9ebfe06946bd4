import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { errors } from '../http/errors.js';
import { requestOrigin } from '../http/host.js';
import { API_KEY_SECURITY, UserIdParams, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { MAX_LINK_HOURS } from './service.js';

const VerifyUrlBody = Type.Object({
  expiration_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LINK_HOURS, description: 'Hours until the link stops working; default 24.' })),
});
type VerifyUrlBody = Static<typeof VerifyUrlBody>;

const VerifyUrlResponse = Type.Object({
  short_url: Type.String({ description: 'Redirects to full_url.' }),
  full_url: Type.String({ description: 'Opens the verification panel as a full page, no client token needed.' }),
});

/** Paths of a verify link on the tenant host; the page routes in embed/pages.ts answer them. */
export const verifyPaths = (code: string) => ({ short: `/v/${code}`, full: `/account/verify/${code}` });

export function verifyLinkRoutes(app: FastifyInstance, { verifyLinks }: Services): void {
  app.post<{ Params: { id: string }; Body: VerifyUrlBody }>('/users/:id/verify-url', {
    config: { auth: 'api-key' },
    schema: {
      tags: ['verifications'], security: API_KEY_SECURITY,
      summary: 'Create a signed, expiring link to the verification panel',
      params: UserIdParams, body: VerifyUrlBody,
      response: { 200: VerifyUrlResponse, ...errorResponses(400, 401, 404, 413, 422) },
    },
  }, async (request) => {
    const link = await verifyLinks.create(request.tenant, Number(request.params.id), request.body.expiration_hours);
    if (!link) throw errors.userNotFound();
    // The tenant host the caller used is the one the link must open on.
    const origin = requestOrigin(request);
    const paths = verifyPaths(link.code);
    return { short_url: origin + paths.short, full_url: origin + paths.full };
  });
}
