/** Template rows as both adapters read them. */
import type { StoredTemplate } from '../../core/ports/store.ts';

export interface TemplateRow {
  tenant_id: string;
  name: string;
  version: number;
  description: string | null;
  parameters: string;
  variants: string;
  created_at: string;
}

export const toTemplate = (r: TemplateRow): StoredTemplate => ({
  tenantId: r.tenant_id,
  name: r.name,
  version: r.version,
  ...(r.description !== null ? { description: r.description } : {}),
  parameters: JSON.parse(r.parameters),
  variants: JSON.parse(r.variants),
  createdAt: r.created_at,
});
