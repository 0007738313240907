/**
 * Vendor notification shapes for a send's own callbackUrl. A client that switched from a vendor
 * to its façade keeps parsing that vendor's delivery notifications, so a message accepted through
 * a façade stores the format's name and every status change is told in it. Webhook subscriptions
 * are Omnigate's own and always get Omnigate's shape.
 *
 * A formatter returns the exact body to post, or undefined for a status the vendor does not
 * notify (nothing is queued for it then). Formatters are pure: they run inside the store's
 * transaction.
 */
import { webexNotification } from '../compat/webex/notification.ts';
import type { StatusCallbackInput } from './payload.ts';

export type CallbackFormatter = (input: StatusCallbackInput) => string | undefined;

const FORMATTERS: Readonly<Record<string, CallbackFormatter>> = {
  webex: webexNotification,
};

export function formatCallback(
  name: string,
  input: StatusCallbackInput,
  omnigatePayload: string,
): string | undefined {
  const formatter = FORMATTERS[name];
  // A format this build does not know (a newer process wrote it) falls back to Omnigate's own
  // shape rather than losing the notification.
  if (!formatter) return omnigatePayload;
  return formatter(input);
}

export function isCallbackFormat(name: string): boolean {
  return name in FORMATTERS;
}
