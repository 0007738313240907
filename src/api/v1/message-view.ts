/**
 * How a stored message is shown by the API, and the query helpers its listings share
 * (GET /v1/messages, GET /v1/dead-letters).
 */

import type { StatusEvent, StoredMessage } from '../../core/ports/store.ts';
import { AppError } from '../../core/vocabulary/errors.ts';
import { decodeCursor } from './pagination.ts';

export function view(m: StoredMessage, events?: StatusEvent[]) {
  return {
    id: m.id,
    channel: m.channel,
    from: m.channelAccountId,
    to: m.to,
    status: m.status,
    statusReason: m.statusReason,
    providerMessageId: m.providerMessageId,
    attempts: m.attempts,
    maybeSentResends: m.maybeSentResends,
    correlationId: m.correlationId,
    callbackUrl: m.callbackUrl,
    callbackData: m.callbackData,
    callbackEvents: m.callbackEvents,
    expiresAt: m.expiresAt,
    contactId: m.contactId,
    ...(m.forced ? { forced: true } : {}),
    ...(m.template ? { template: m.template } : {}),
    ...(m.policy ? { policy: m.policy } : {}),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    message: m.content,
    providerRequest: m.request,
    degradations: m.degradations,
    ...(events ? { events } : {}),
  };
}

/**
 * A query time as the ISO string stored rows compare against. RFC 3339 admits values JavaScript
 * dates cannot hold (a leap second, years past 9999 once offset), which would compare wrongly.
 */
export function instant(value: string, name: string): string {
  const ms = Date.parse(value);
  const iso = Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  if (iso?.length !== 24) {
    throw new AppError('GW_VALIDATION', `/querystring/${name}: is not an instant this server can represent`, [
      {
        pointer: `/querystring/${name}`,
        rule: 'format',
        detail: 'is not an instant this server can represent',
      },
    ]);
  }
  return iso;
}

/** A cursor of a message listing: it must name a message id. */
export function decodeMessageCursor(cursor: string): string {
  const id = decodeCursor(cursor);
  if (!/^msg_[0-9A-Z]{26}$/.test(id)) {
    throw new AppError('GW_VALIDATION', 'The cursor is not one this API gave out', [
      { pointer: '/query/cursor', rule: 'cursor', detail: 'is not a valid cursor' },
    ]);
  }
  return id;
}
