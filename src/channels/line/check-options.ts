/**
 * The LINE limit a send's own options can break: `loadingSeconds` of the loading indicator, 5 to 60
 * in steps of 5 (limits.ts). A provider limit, so it is refused like the message's own (422
 * GW_CAPABILITY), not by the request schema (400).
 */
import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { LINE_LIMITS as L } from './limits.ts';

export function checkLineOptions(options: Record<string, unknown> | undefined): FieldIssue[] {
  const seconds = options?.['loadingSeconds'];
  if (typeof seconds !== 'number') return [];
  const rule =
    seconds < L.loadingSecondsMin
      ? 'minimum'
      : seconds > L.loadingSecondsMax
        ? 'maximum'
        : seconds % L.loadingSecondsStep !== 0
          ? 'multipleOf'
          : undefined;
  if (rule === undefined) return [];
  return [
    {
      pointer: '/options/line/loadingSeconds',
      rule,
      detail: `LINE shows the loading indicator for ${L.loadingSecondsMin} to ${L.loadingSecondsMax} seconds in steps of ${L.loadingSecondsStep}; this asks for ${seconds}`,
    },
  ];
}
