/**
 * Webhook-subscription rows as both adapters read and rewrite them: the endpoint, which events it
 * wants, and its sealed signing secrets (newest first, a rotated-out one valid until its end).
 */

import type { EndpointSecret, WebhookEndpoint, WebhookRepository } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: string;
  secrets_enc: string;
  state: 'enabled' | 'disabled';
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    url: r.url,
    ...(r.description !== null ? { description: r.description } : {}),
    events: JSON.parse(r.events),
    state: r.state,
    ...(r.disabled_reason !== null ? { disabledReason: r.disabled_reason } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The endpoints subscribed to an event type (`*` subscribes to all). */
export const wanting = <E extends { events: readonly string[] }>(
  endpoints: readonly E[],
  eventType: string,
): E[] => endpoints.filter((e) => e.events.includes('*') || e.events.includes(eventType));

type EndpointChange = Parameters<WebhookRepository['update']>[2];

/** The columns an update writes; switching an endpoint off through the API gives that as the reason. */
export function updatedEndpointColumns(row: EndpointRow, change: EndpointChange) {
  const enabled = change.enabled ?? row.state === 'enabled';
  return {
    url: change.url ?? row.url,
    description: change.description ?? row.description,
    events: change.events ? JSON.stringify(change.events) : row.events,
    state: enabled ? 'enabled' : 'disabled',
    disabled_reason: enabled
      ? null
      : change.enabled === false
        ? 'disabled through the API'
        : row.disabled_reason,
  };
}

export const sealSecrets = (box: SecretBox, secrets: EndpointSecret[]): string =>
  box.seal(JSON.stringify(secrets));

export const readSecrets = (row: EndpointRow, box: SecretBox): EndpointSecret[] =>
  JSON.parse(box.open(row.secrets_enc));

const live = (secrets: EndpointSecret[], now: string) =>
  secrets.filter((s) => s.expiresAt === undefined || s.expiresAt > now);

/** What a delivery to the endpoint needs (WebhookRepository.signing). */
export const signingOf = (row: EndpointRow, box: SecretBox, now: string) => ({
  state: row.state,
  ...(row.disabled_reason !== null ? { disabledReason: row.disabled_reason } : {}),
  // A disabled endpoint gets no delivery, so its secrets need not be decrypted.
  secrets: row.state === 'enabled' ? live(readSecrets(row, box), now) : [],
});

/** The endpoint's secrets after adding `secret`; the ones still valid at `now` end by `oldExpireAt`. */
export function rotatedSecrets(
  row: EndpointRow,
  box: SecretBox,
  secret: string,
  oldExpireAt: string,
  now: string,
): EndpointSecret[] {
  // Secrets already rotated out keep their own (earlier) end; the current one ends at oldExpireAt.
  const kept = live(readSecrets(row, box), now).map((s) => ({
    secret: s.secret,
    expiresAt: s.expiresAt !== undefined && s.expiresAt < oldExpireAt ? s.expiresAt : oldExpireAt,
  }));
  return [{ secret }, ...kept];
}
