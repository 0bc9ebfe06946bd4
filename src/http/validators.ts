import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

function compilerWith(coerceTypes: boolean) {
  const options: Options = {
    coerceTypes,
    allErrors: true, // every failing field at once, as Laravel reports them; bodies are flat objects
    removeAdditional: true, // unknown fields are dropped, never stored
    useDefaults: true,
    allowUnionTypes: true,
  };
  const ajv = new Ajv(options);
  addFormats.default(ajv);
  return ajv;
}

/**
 * JSON bodies are validated as typed: `true` is not an id and `["a@b.c"]` is not an email.
 * Query strings and path parameters are text on the wire, so those are coerced (`"2"` -> 2).
 */
export function registerValidators(app: FastifyInstance): void {
  const strict = compilerWith(false);
  const coercing = compilerWith(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}
