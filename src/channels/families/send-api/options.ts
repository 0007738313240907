/**
 * What a Send API flavour's `options` may set on the request envelope, and the schema rule both
 * flavours' options share. Each channel reads its own options (its tags differ) into this.
 */
import type { MessagingType, NotificationType } from './limits.ts';

export interface SendEnvelopeOptions {
  messagingType?: MessagingType;
  tag?: string;
  notificationType?: NotificationType;
}

/**
 * `tag` belongs with `messagingType: MESSAGE_TAG` and only there: the schema says so, so a request
 * that breaks the rule is a 400 naming the field rather than a refusal from Meta later.
 */
export const tagRule = {
  anyOf: [
    { properties: { messagingType: { const: 'MESSAGE_TAG' } }, required: ['messagingType', 'tag'] },
    { properties: { messagingType: { not: { const: 'MESSAGE_TAG' } } }, not: { required: ['tag'] } },
  ],
};
