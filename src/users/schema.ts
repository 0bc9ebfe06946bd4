import { Type, type Static } from '@sinclair/typebox';
import { formatTimestamp } from '../clock.js';
import { NullableString } from '../http/schemas.js';
import type { UserFields, UserRecord } from '../store/types.js';
import { describeVerification } from '../verifications/catalogue.js';

export const Verification = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  status: Type.Object({ value: Type.Integer(), friendly: Type.String() }),
});

export const User = Type.Object({
  id: Type.Integer(),
  user_id: Type.String(),
  reference_id: Type.Union([Type.String(), Type.Null()]),
  email: Type.String(),
  first_name: Type.Union([Type.String(), Type.Null()]),
  last_name: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  order_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  verifications: Type.Array(Verification),
  created_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS, UTC' }),
  updated_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS, UTC' }),
}, { $id: 'User' });

const userFields = {
  first_name: Type.Optional(NullableString()),
  last_name: Type.Optional(NullableString()),
  username: Type.Optional(NullableString()),
  phone: Type.Optional(NullableString(32)),
  reference_id: Type.Optional(NullableString()),
  order_id: Type.Optional(NullableString()),
};

export const CreateUserBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 255 }),
  ...userFields,
  template_id: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

export const UpdateUserBody = Type.Object({
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  ...userFields,
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

export const CreateUserResponse = Type.Object({
  status: Type.Literal('success'),
  id: Type.Integer(),
  user_id: Type.String(),
  token: Type.String({ description: 'A client token for this user, as from POST /users/{id}/token.' }),
});

export const SORT_FIELDS = ['id', 'first_name', 'last_name', 'email', 'created_at', 'updated_at'] as const;

/** Text without control characters (a NUL would otherwise match everything in LIKE). */
const FilterText = (maxLength: number) => Type.String({ maxLength, pattern: '^[^\\u0000-\\u001f]*$' });

/** Query numbers as plain decimal digits: `0x10` and `1e5` are not page numbers. */
const QueryNumber = (description: string) => Type.String({ pattern: '^[1-9][0-9]{0,6}$', description });

export const ListUsersQuery = Type.Object({
  page: Type.Optional(QueryNumber('Page number, from 1.')),
  per_page: Type.Optional(QueryNumber('Default 15; values above 100 count as 100.')),
  'filter[search]': Type.Optional(FilterText(255)),
  'filter[email]': Type.Optional(FilterText(255)),
  'filter[status]': Type.Optional(FilterText(64)),
  sort: Type.Optional(Type.String({ pattern: `^-?(${SORT_FIELDS.join('|')})$` })),
}, {
  // Other parameters are ignored, but a filter this API does not have, or an array form of
  // one (`filter[search][]=x`), must fail rather than silently return everything.
  propertyNames: { not: { pattern: '^filter\\[(?!(search|email|status)\\]$)|\\[\\]$' } },
});

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const UserPageResponse = Type.Object({
  data: Type.Array(Type.Ref('User')),
  links: Type.Object({
    first: Type.String(), last: Type.String(),
    prev: Nullable(Type.String()), next: Nullable(Type.String()),
  }),
  meta: Type.Object({
    current_page: Type.Integer(), from: Nullable(Type.Integer()), last_page: Type.Integer(),
    path: Type.String(), per_page: Type.Integer(), to: Nullable(Type.Integer()), total: Type.Integer(),
  }),
});

export type CreateUserBody = Static<typeof CreateUserBody>;
export type UpdateUserBody = Static<typeof UpdateUserBody>;
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export function userToJson(u: UserRecord): Static<typeof User> {
  return {
    id: u.id,
    user_id: u.userId,
    reference_id: u.referenceId,
    email: u.email,
    first_name: u.firstName,
    last_name: u.lastName,
    username: u.username,
    phone: u.phone,
    order_id: u.orderId,
    status: u.status,
    verifications: u.verifications.map(describeVerification),
    created_at: formatTimestamp(u.createdAt),
    updated_at: formatTimestamp(u.updatedAt),
  };
}

/** Request fields (snake_case) to record fields; absent stays absent, null clears. */
export function userFieldsFromBody(body: UpdateUserBody | CreateUserBody): Partial<UserFields> {
  const b = body as UpdateUserBody;
  const fields: Partial<UserFields> = {
    email: b.email,
    firstName: b.first_name,
    lastName: b.last_name,
    username: b.username,
    phone: b.phone,
    referenceId: b.reference_id,
    orderId: b.order_id,
    status: b.status,
  };
  for (const k of Object.keys(fields) as Array<keyof UserFields>) if (fields[k] === undefined) delete fields[k];
  return fields;
}
