/**
 * The Viber limits a send's own options can break (providers.md §3; creators-hub
 * data-models/message.md): `sender.name` at most 28 characters and `tracking_data` at most 4000.
 * They are the provider's limits, so they are refused like the message's own (422 GW_CAPABILITY),
 * not by the request schema (400).
 */
import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { VIBER_LIMITS } from './limits.ts';

const LIMITED = [
  ['senderName', VIBER_LIMITS.senderName, 'a sender name'],
  ['trackingData', VIBER_LIMITS.trackingData, 'tracking data'],
] as const;

export function checkViberOptions(options: Record<string, unknown> | undefined): FieldIssue[] {
  return LIMITED.flatMap(([field, max, what]) => {
    const value = options?.[field];
    // UTF-16 code units, as everywhere for Viber (limits.ts).
    if (typeof value !== 'string' || value.length <= max) return [];
    return [
      {
        pointer: `/options/viber/${field}`,
        rule: 'maxLength',
        detail: `Viber allows ${what} of at most ${max} characters; this one has ${value.length}`,
      },
    ];
  });
}
