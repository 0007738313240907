import { describe, expect, it } from 'vitest';
import { parseEvents } from '../../../../src/core/rules/receive/parse-events.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { fakeChannel, message } from './fakes.ts';

describe('parse events', () => {
  it('takes the events the channel reads from the decoded body', () => {
    const events: InboundEvent[] = [message('u1', 'hi')];
    const w = {
      channel: fakeChannel({ parseInbound: () => events }),
      decoded: {},
      events: [] as InboundEvent[],
    };
    parseEvents(w);
    expect(w.events).toBe(events);
  });
});
