import { Type, type Static } from '@sinclair/typebox';
import { formatTimestamp } from '../clock.js';
import type { TemplateRecord } from '../store/types.js';
import { METHODS } from './catalogue.js';

export const SetVerificationBody = Type.Object({
  verification_id: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The method id (1 Email, 2 Phone, 3 Document, ...).' }),
  status: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '0 Pending, 1 Processing, 2 Complete, 3 Rejected, 4 Complete In Review, 5 Reset, 6 Removed.' }),
});
export type SetVerificationBody = Static<typeof SetVerificationBody>;

export const Template = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  is_default: Type.Boolean(),
  verifications: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  created_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS, UTC' }),
});

export const TemplateList = Type.Object({ data: Type.Array(Template) });

export function templateToJson(t: TemplateRecord): Static<typeof Template> {
  return {
    id: t.id,
    name: t.name,
    is_default: t.isDefault,
    verifications: t.methodIds.map((id) => ({ id, name: METHODS[id] ?? `Method ${id}` })),
    created_at: formatTimestamp(t.createdAt),
  };
}
