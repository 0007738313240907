import { describe, expect, it } from 'vitest';
import { linkedMedia } from '../../../../src/core/rules/send/linked-media.ts';
import type { FieldIssue } from '../../../../src/core/vocabulary/channel.ts';
import type { ProbeMedia } from '../../../../src/lib/media-probe.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

const URL = 'https://media.example.com/big.jpg';
const image = fakeSend({ message: { type: 'media', mediaType: 'image', url: URL } });
const tooBig: FieldIssue = { pointer: '/message/url', rule: 'max_size', detail: 'at most 1000 bytes' };
const channel = fakeChannel({
  linkedMedia: {
    links: (message) =>
      message.type === 'media' && message.url ? [{ pointer: '/message/url', url: message.url }] : [],
    check: (_message, media) => {
      const found = media['/message/url'];
      return found && 'facts' in found && (found.facts.size ?? 0) > 1000 ? [tooBig] : [];
    },
  },
});
const probeOf =
  (size: number): ProbeMedia =>
  async (url) => ({ ok: true, facts: { url, size } });

describe('linked media', () => {
  it('passes without a turn when the message links nothing the channel judges', () => {
    expect(linkedMedia.check(context({}, { channel }))).toEqual({ kind: 'pass' });
    expect(linkedMedia.check(context({}, { send: image }))).toEqual({ kind: 'pass' });
  });

  it('hands the renderer what the probe found', async () => {
    expect(await linkedMedia.check(context({ probeMedia: probeOf(10) }, { send: image, channel }))).toEqual({
      kind: 'change',
      change: { media: { media: { '/message/url': { facts: { url: URL, size: 10 } } }, notes: [] } },
    });
  });

  it('refuses what the channel refuses of the probed media, a 422', async () => {
    expect(
      await linkedMedia.check(context({ probeMedia: probeOf(5000) }, { send: image, channel })),
    ).toMatchObject({
      kind: 'refuse',
      error: { code: 'GW_CAPABILITY', issues: [tooBig] },
    });
  });

  it('accepts what it could not probe, with a note naming why', async () => {
    const unreachable: ProbeMedia = async () => ({ ok: false, reason: 'timed out' });
    for (const [port, reason] of [
      [{ probeMedia: unreachable }, 'timed out'],
      [{}, 'media probing is turned off'],
    ] as const) {
      expect(await linkedMedia.check(context(port, { send: image, channel }))).toEqual({
        kind: 'change',
        change: {
          media: {
            media: { '/message/url': { unavailable: reason } },
            notes: [
              {
                pointer: '/message/url',
                from: "Fake's limits on the linked media checked before accepting",
                to: `accepted unchecked, the provider decides: the gateway could not probe it (${reason})`,
                rule: 'media_unprobed',
              },
            ],
          },
        },
      });
    }
  });
});
