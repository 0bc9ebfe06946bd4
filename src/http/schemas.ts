import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorBody = Type.Object({
  error_type: Type.String(),
  error_message: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  code: Type.Optional(Type.String()),
}, { $id: 'ErrorBody' });

/** Path ids: positive integers that fit a 64-bit column (15 digits keeps them exact in JS). */
export const UserIdParams = Type.Object({
  id: Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: 'The user id (`id` in user objects).' }),
});

/** A string or JSON null, validated as one type (keeps coercion and error messages simple). */
export const NullableString = (maxLength = 255) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength });

const errorRef = Type.Ref('ErrorBody');

/** The error responses a route can give, by status, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorRef]));
}

export const API_KEY_SECURITY = [{ apiKey: [] }];
export const CLIENT_TOKEN_SECURITY = [{ clientToken: [] }];
