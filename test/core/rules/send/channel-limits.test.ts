import { describe, expect, it } from 'vitest';
import { channelLimits } from '../../../../src/core/rules/send/channel-limits.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

const long = { type: 'text', text: 'more than five' } as const;

describe('channel limits', () => {
  const tooLong = { pointer: '/message/text', rule: 'max_length', detail: 'at most 5 characters' };
  const channel = fakeChannel({
    check: (message, options) =>
      message.type === 'text' && message.text.length > (Number(options?.['max']) || 5) ? [tooLong] : [],
  });

  it('refuses what the provider would, a 422', async () => {
    expect(
      await channelLimits.check(context({}, { channel, send: fakeSend({ message: long }) })),
    ).toMatchObject({
      kind: 'refuse',
      error: { code: 'GW_CAPABILITY', status: 422, issues: [tooLong] },
    });
  });

  it('hands the channel its own options', async () => {
    const send = fakeSend({ message: long, options: { fake: { max: 20 }, other: { max: 1 } } });
    expect(await channelLimits.check(context({}, { channel, send }))).toEqual({ kind: 'pass' });
  });

  it('waits for the request’s own problems: nothing is checked once something is flagged', async () => {
    const flagged = [{ pointer: '/to', rule: 'recipient', detail: 'bad' }];
    expect(
      await channelLimits.check(
        context({}, { channel, send: fakeSend({ message: long }), before: { flagged } }),
      ),
    ).toEqual({ kind: 'pass' });
  });
});
