import { Type } from '@sinclair/typebox';
import { Verification } from '../users/schema.js';

export const EmbedUser = Type.Object({
  id: Type.Integer(),
  user_id: Type.String(),
  first_name: Type.Union([Type.String(), Type.Null()]),
  last_name: Type.Union([Type.String(), Type.Null()]),
  email: Type.String(),
  status: Type.String(),
  verifications: Type.Array(Verification),
});

export const EmbedSession = Type.Object({
  user: EmbedUser,
  account: Type.Object({ name: Type.String() }),
  expires_at: Type.String({ description: 'When the client token expires, ISO 8601 UTC' }),
});
