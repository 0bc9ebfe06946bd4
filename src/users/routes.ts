import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errors } from '../http/errors.js';
import { requestOrigin } from '../http/host.js';
import { API_KEY_SECURITY, UserIdParams, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import type { UserSortField } from '../store/types.js';
import {
  CreateUserBody, CreateUserResponse, ListUsersQuery, UpdateUserBody, UserPageResponse,
  userFieldsFromBody, userToJson,
} from './schema.js';

const DEFAULT_PER_PAGE = 15;
const MAX_PER_PAGE = 100;

const emailTaken = () => errors.validation({ email: ['The email has already been taken.'] });

/** The paginator's links point back at this same route on the same host and prefix. */
function pagePath(request: FastifyRequest): string {
  return `${requestOrigin(request)}${request.url.split('?')[0]}`;
}

export function userRoutes(app: FastifyInstance, { users }: Services): void {
  const tags = ['users'];
  const config = { auth: 'api-key' as const };
  const security = API_KEY_SECURITY;

  app.get<{ Querystring: ListUsersQuery }>('/users', {
    config,
    schema: { tags, security, summary: 'List users', querystring: ListUsersQuery, response: { 200: UserPageResponse, ...errorResponses(401, 404, 422) } },
  }, async (request) => {
    const q = request.query;
    const perPage = Math.min(Number(q.per_page ?? DEFAULT_PER_PAGE), MAX_PER_PAGE);
    const page = Number(q.page ?? 1);
    const sort = q.sort ?? 'id';
    const { users: rows, total } = await users.list(request.tenant, {
      page, perPage,
      search: q['filter[search]'] || undefined,
      email: q['filter[email]']?.toLowerCase() || undefined,
      status: q['filter[status]'] || undefined,
      sort: sort.replace(/^-/, '') as UserSortField,
      descending: sort.startsWith('-'),
    });
    const path = pagePath(request);
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    const link = (n: number) => `${path}?page=${n}`;
    const from = rows.length === 0 ? null : (page - 1) * perPage + 1;
    return {
      data: rows.map(userToJson),
      links: { first: link(1), last: link(lastPage), prev: page > 1 ? link(page - 1) : null, next: page < lastPage ? link(page + 1) : null },
      meta: { current_page: page, from, last_page: lastPage, path, per_page: perPage, to: from === null ? null : from + rows.length - 1, total },
    };
  });

  app.post<{ Body: CreateUserBody }>('/users', {
    config,
    schema: { tags, security, summary: 'Create a user (and a first client token)', body: CreateUserBody, response: { 200: CreateUserResponse, ...errorResponses(400, 401, 404, 413, 422) } },
  }, async (request) => {
    const body = request.body;
    const result = await users.create(request.tenant, {
      ...userFieldsFromBody(body),
      email: body.email.toLowerCase(),
      templateId: body.template_id,
    });
    if (result === 'email_taken') throw emailTaken();
    if (result === 'template_invalid') {
      throw errors.validation({ template_id: ['Invalid templateId provided.'] }).withType('api_template_error', 'Invalid templateId provided.');
    }
    return { status: 'success' as const, id: result.user.id, user_id: result.user.userId, token: result.token };
  });

  app.get<{ Params: { id: string } }>('/users/:id', {
    config,
    schema: { tags, security, summary: 'Get a user', params: UserIdParams, response: { 200: Type.Object({ data: Type.Ref('User') }), ...errorResponses(401, 404) } },
  }, async (request) => {
    const user = await users.find(request.tenant, Number(request.params.id));
    if (!user) throw errors.userNotFound();
    return { data: userToJson(user) };
  });

  app.patch<{ Params: { id: string }; Body: UpdateUserBody }>('/users/:id', {
    config,
    schema: { tags, security, summary: 'Update a user', description: 'Unknown fields are ignored; a body with no known field is 400.', params: UserIdParams, body: UpdateUserBody, response: { 200: Type.Object({ data: Type.Ref('User') }), ...errorResponses(400, 401, 404, 413, 422) } },
  }, async (request) => {
    const changes = userFieldsFromBody(request.body);
    if (changes.email) changes.email = changes.email.toLowerCase();
    const id = Number(request.params.id);
    if (Object.keys(changes).length === 0) {
      // A missing user is still a 404, whatever the body.
      if (!(await users.find(request.tenant, id))) throw errors.userNotFound();
      throw errors.invalid('Invalid or No Data Provided for Update');
    }
    const user = await users.update(request.tenant, id, changes);
    if (user === 'email_taken') throw emailTaken();
    if (!user) throw errors.userNotFound();
    return { data: userToJson(user) };
  });

  app.delete<{ Params: { id: string } }>('/users/:id', {
    config,
    schema: { tags, security, summary: 'Delete a user and revoke all their client tokens', params: UserIdParams, response: { 200: Type.Object({ success: Type.Boolean() }), ...errorResponses(401, 404) } },
  }, async (request) => {
    if (!(await users.delete(request.tenant, Number(request.params.id)))) throw errors.userNotFound();
    return { success: true };
  });
}
