import { describe, expect, it } from 'vitest';
import { canonicalMessage } from '../../../../src/core/rules/send/canonical-message.ts';
import { context, fakeSend } from './fakes.ts';

describe('canonical message', () => {
  it('passes media given by URL or by id', async () => {
    for (const source of [{ url: 'https://example.com/a.jpg' }, { mediaId: 'm1' }]) {
      const send = fakeSend({ message: { type: 'media', mediaType: 'image', ...source } });
      expect(await canonicalMessage.check(context({}, { send }))).toEqual({ kind: 'pass' });
    }
  });

  it('flags media given neither way, to be refused with the request’s other problems', async () => {
    const send = fakeSend({ message: { type: 'media', mediaType: 'image' } });
    expect(await canonicalMessage.check(context({}, { send }))).toEqual({
      kind: 'change',
      change: {
        flag: [{ pointer: '/message/url', rule: 'required', detail: 'give the media as `url` or `mediaId`' }],
      },
    });
  });
});
