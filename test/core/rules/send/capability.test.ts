import { describe, expect, it } from 'vitest';
import { capability } from '../../../../src/core/rules/send/capability.ts';
import type { Capability } from '../../../../src/core/vocabulary/channel.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

describe('capability', () => {
  const channel = fakeChannel();
  const refusing = fakeChannel({
    capabilities: {
      ...channel.capabilities,
      location: { support: 'refused', reason: 'no maps' } as Capability,
    },
  });
  const location = fakeSend({ message: { type: 'location', latitude: 1, longitude: 2 } });

  it('passes a kind the channel carries', async () => {
    expect(await capability.check(context({}, { send: location, channel }))).toEqual({ kind: 'pass' });
  });

  it('refuses a kind the channel cannot carry, a 422 naming it', async () => {
    expect(await capability.check(context({}, { send: location, channel: refusing }))).toMatchObject({
      kind: 'refuse',
      error: {
        code: 'GW_CAPABILITY',
        status: 422,
        issues: [
          {
            pointer: '/message/type',
            rule: 'channel_capability',
            detail: 'Fake cannot carry a location message: no maps',
          },
        ],
      },
    });
  });
});
