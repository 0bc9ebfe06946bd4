import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

/** Field names as Laravel prints them in messages: `first_name` -> `first name`. */
const label = (field: string) => field.replace(/_/g, ' ');

function fieldOf(error: FastifySchemaValidationError): string {
  // A parameter name that is not allowed at all (see ListUsersQuery) names itself.
  const propertyName = (error as { propertyName?: string }).propertyName ?? (error.params as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) return propertyName;
  if (error.keyword === 'required') return String((error.params as { missingProperty?: string }).missingProperty);
  return error.instancePath.replace(/^\//, '').split('/')[0] || 'body';
}

function messageFor(error: FastifySchemaValidationError, field: string): string {
  const f = label(field);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': return `The ${f} field is required.`;
    case 'format': return params.format === 'email' ? `The ${f} field must be a valid email address.` : `The ${f} field format is invalid.`;
    case 'type': {
      const type = Array.isArray(params.type) ? params.type[0] : params.type;
      if (type === 'integer') return `The ${f} field must be an integer.`;
      if (type === 'object') return 'The request body must be a JSON object.';
      return `The ${f} field must be a ${type === 'boolean' ? 'boolean' : type === 'array' ? 'list' : 'string'}.`;
    }
    case 'maxLength': return `The ${f} field must not be greater than ${params.limit} characters.`;
    case 'minLength': return `The ${f} field must be at least ${params.limit} characters.`;
    case 'minimum': return `The ${f} field must be at least ${params.limit}.`;
    case 'maximum': return `The ${f} field must not be greater than ${params.limit}.`;
    default: return `The ${f} field is invalid.`;
  }
}

/** Schema failures as Laravel's `errors` object: field -> messages. */
export function fieldErrors(validation: FastifySchemaValidationError[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of validation) {
    const field = fieldOf(error);
    const message = messageFor(error, field);
    (out[field] ??= []).includes(message) || out[field].push(message);
  }
  return out;
}
