import { Type, type Static } from '@sinclair/typebox';
import { MAX_TTL_SECONDS, MIN_TTL_SECONDS } from './service.js';

export const MintTokenBody = Type.Object({
  expires_in: Type.Optional(Type.Integer({
    minimum: MIN_TTL_SECONDS,
    maximum: MAX_TTL_SECONDS,
    description: 'Seconds until the token expires; default is the tenant setting (3600 unless changed).',
  })),
}, { additionalProperties: false });

export const MintTokenResponse = Type.Object({
  token: Type.String({ description: 'base64 of `<token id>|<40 chars of [A-Za-z0-9]>`' }),
  expires_at: Type.String({ description: 'ISO 8601, UTC' }),
});

export type MintTokenBody = Static<typeof MintTokenBody>;
