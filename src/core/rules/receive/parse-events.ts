/** The decoded body as canonical events, in the channel's own reading of its format. */
import type { Reading } from './context.ts';

export function parseEvents(webhook: Pick<Reading, 'channel' | 'decoded' | 'events'>): void {
  webhook.events = webhook.channel.parseInbound(webhook.decoded);
}
