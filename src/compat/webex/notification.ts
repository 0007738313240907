/**
 * Webex Connect's delivery notification, posted to a request's `notifyurl` for each status
 * change of a message accepted through the façade (callback format `webex`). The shape and codes
 * are Webex Connect's documented ones for Messenger and WhatsApp:
 *
 * {"deliveryInfoNotification":{"deliveryInfo":{"deliveryChannel":"whatsapp","Description":"Read",
 *   "destinationType":"waid","timeStamp":"2019-03-04T09:49:24.849Z","code":"7502",
 *   "additionalInfo":"","deliveryStatus":"Read","destination":"9199xxxxxxxx"},
 *   "subtid":"","correlationid":"","callbackData":"","transid":"5c9f6594-…"}}
 *
 * Submitted 7501, Delivered 7500, Read 7502; a failure is `Failed` 7010 "Service provider
 * exception." with the provider's words in `additionalInfo`; an expired message `Un-Delivered`
 * 7208 "Message expired". Webex tells nothing of queueing: those statuses are not notified.
 *
 * A message the façade failed itself (a deprecated Messenger template, which seed 003 says is
 * accepted and then fails "with a delivery receipt notification") is `Failed` 7004 "Invalid
 * parameters/Values", Webex Connect's delivery code for a request whose values it refuses
 * (docs.imiconnect.com/docs/channel-specific-status-codes), with the seed's sentence in
 * `additionalInfo`: no provider was involved, so not 7010.
 * Pure: it runs inside the store's transaction.
 */
import type { StatusCallbackInput } from '../../core/index.ts';

interface Notified {
  deliveryStatus: string;
  code: string;
  description: string;
}

const FAILED: Notified = {
  deliveryStatus: 'Failed',
  code: '7010',
  description: 'Service provider exception.',
};

/** The failure code of a message the façade failed for its deprecated template (translate-fb.ts). */
export const DEPRECATED_TEMPLATE_CODE = 'deprecated_template';

const REFUSED_VALUES: Notified = {
  deliveryStatus: 'Failed',
  code: '7004',
  description: 'Invalid parameters/Values',
};

const NOTIFIED: Partial<Record<StatusCallbackInput['status'], Notified>> = {
  sent: { deliveryStatus: 'Submitted', code: '7501', description: 'Submitted' },
  delivered: { deliveryStatus: 'Delivered', code: '7500', description: 'Delivered' },
  read: { deliveryStatus: 'Read', code: '7502', description: 'Read' },
  failed: FAILED,
  rejected: FAILED,
  undelivered: FAILED,
  expired: { deliveryStatus: 'Un-Delivered', code: '7208', description: 'Message expired' },
};

/** Webex's name of the channel and of the kind of address a message went to. */
const CHANNELS: Record<string, { deliveryChannel: string; destinationType: string }> = {
  messenger: { deliveryChannel: 'fb', destinationType: 'psid' },
  whatsapp: { deliveryChannel: 'whatsapp', destinationType: 'waid' },
};

/** A CallbackFormatter (core/callbacks.ts), registered as `webex` by compat/index.ts. */
export function webexNotification(input: StatusCallbackInput): string | undefined {
  const notified =
    input.status === 'failed' && input.code === DEPRECATED_TEMPLATE_CODE
      ? REFUSED_VALUES
      : NOTIFIED[input.status];
  if (notified === undefined) return undefined;
  const channel = CHANNELS[input.channel] ?? { deliveryChannel: input.channel, destinationType: 'userid' };
  return JSON.stringify({
    deliveryInfoNotification: {
      deliveryInfo: {
        deliveryChannel: channel.deliveryChannel,
        Description: notified.description,
        destinationType: channel.destinationType,
        timeStamp: input.occurredAt,
        code: notified.code,
        additionalInfo: notified === FAILED || notified === REFUSED_VALUES ? (input.reason ?? '') : '',
        deliveryStatus: notified.deliveryStatus,
        destination: input.to,
      },
      subtid: '',
      correlationid: input.correlationId ?? '',
      callbackData: input.callbackData ?? '',
      transid: input.messageId,
    },
  });
}
