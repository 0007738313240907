/** Consent and frequency-cap rows as both adapters read them. */
import type { Consent, FrequencyCap } from '../../core/ports/store.ts';

export interface ConsentRow {
  channel: string;
  purpose: Consent['purpose'];
  status: Consent['status'];
  source: string;
  updated_at: string;
}

export interface CapRow {
  grp: string;
  per_day: number | null;
  per_week: number | null;
  per_month: number | null;
}

export const toConsent = (r: ConsentRow): Consent => ({
  channel: r.channel,
  purpose: r.purpose,
  status: r.status,
  source: r.source,
  updatedAt: r.updated_at,
});

export const toCap = (r: CapRow): FrequencyCap => ({
  group: r.grp,
  ...(r.per_day !== null ? { perDay: r.per_day } : {}),
  ...(r.per_week !== null ? { perWeek: r.per_week } : {}),
  ...(r.per_month !== null ? { perMonth: r.per_month } : {}),
});
