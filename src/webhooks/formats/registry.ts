/**
 * The callback bodies the store queues (core/callbacks.ts): Omnigate's own, and the vendor
 * notification shapes the composition root registers for a send's own callbackUrl. A client that
 * switched from a vendor to its façade keeps parsing that vendor's delivery notifications, so a
 * message accepted through a façade stores the format's name and every status change is told in
 * it. Webhook subscriptions are Omnigate's own and always get Omnigate's shape.
 */
import type { CallbackFormatter, CallbackPayloads } from '../../core/callbacks.ts';
import { buildClickedCallback, buildStatusCallback } from './native.ts';

export function callbackPayloads(formats: Readonly<Record<string, CallbackFormatter>>): CallbackPayloads {
  // Own keys only: a format named after an Object.prototype member is no format.
  const formatters = new Map(Object.entries(formats));
  return {
    status: buildStatusCallback,
    clicked: buildClickedCallback,
    own(format, input, event) {
      if (!format) return event.payload;
      const formatter = formatters.get(format);
      // A format this build does not know (a newer process wrote it) falls back to Omnigate's own
      // shape rather than losing the notification.
      if (!formatter) return event.payload;
      return formatter(input);
    },
  };
}
