import type { FastifyInstance } from 'fastify';
import { errors } from './errors.js';

/**
 * Request bodies as the contract's clients send them: JSON, often empty, sometimes `[]`, on
 * every method. Empty and `[]` mean "no input" and become `{}`; any other non-object is a
 * 400, as is malformed JSON. Other media types are 415 unless the body is empty: bodies are
 * typed JSON, and form fields (all text) could not say `"expires_in": 120`.
 */
function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalid('Malformed JSON in request body.');
  }
  if (Array.isArray(value) && value.length === 0) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.invalid('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = (_request: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, json);
  app.addContentTypeParser(/^application\/[\w.-]+\+json\s*(;.*)?$/i, { parseAs: 'string' }, json);
  // Any other type is fine while the body is empty (a DELETE with a stray Content-Type).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: string | Buffer, done) => {
    if (body.length === 0) done(null, {});
    else done(errors.unsupportedMediaType(), undefined);
  });
  // Routes validate an object body; a request that carried none has no input.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });
}
