import { describe, expect, it } from 'vitest';
import {
  applyConsentKeywords,
  DEFAULT_KEYWORDS,
  keywordChoice,
} from '../../../../src/core/rules/receive/consent-keywords.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { ACCOUNT, fakeStore, message } from './fakes.ts';

const RECEIVED = '2026-03-01T10:00:01.000Z';

async function apply(events: InboundEvent[], firstStoredAt: string[], keywords = DEFAULT_KEYWORDS) {
  const store = fakeStore();
  await applyConsentKeywords({
    account: ACCOUNT,
    events,
    receivedAt: RECEIVED,
    firstStoredAt,
    keywords,
    contactIds: new Map([
      ['u1', 'ct_u1'],
      ['u2', 'ct_u2'],
    ]),
    store,
  });
  return store.calls.map((c) => c.args);
}

const consent = (status: string, updatedAt: string) => ({
  channel: 'fake',
  purpose: 'marketing',
  status,
  source: 'keyword',
  updatedAt,
});

describe('consent keywords', () => {
  it('reads a stop or start word whatever its case and spaces, and nothing else', () => {
    expect(keywordChoice(' stop ', DEFAULT_KEYWORDS)).toBe('opted_out');
    expect(keywordChoice('Arrêt', DEFAULT_KEYWORDS)).toBe('opted_out');
    expect(keywordChoice('หยุด', DEFAULT_KEYWORDS)).toBe('opted_out');
    expect(keywordChoice('mulai', DEFAULT_KEYWORDS)).toBe('opted_in');
    expect(keywordChoice('please stop', DEFAULT_KEYWORDS)).toBeUndefined();
  });

  it('sets the consent of a word received now, whatever the stored one is dated', async () => {
    expect(await apply([message('u1', 'STOP'), message('u2', 'start')], [RECEIVED, RECEIVED])).toEqual([
      ['tn_1', 'ct_u1', consent('opted_out', RECEIVED), { unlessNewer: false }],
      ['tn_1', 'ct_u2', consent('opted_in', RECEIVED), { unlessNewer: false }],
    ]);
  });

  it('dates a redelivered word when it was first stored, over older consents only', async () => {
    const earlier = '2026-03-01T09:00:00.000Z';
    expect(await apply([message('u1', 'STOP')], [earlier])).toEqual([
      ['tn_1', 'ct_u1', consent('opted_out', earlier), { unlessNewer: true }],
    ]);
  });

  it("takes a sender's latest word in the batch, by when each was first stored", async () => {
    const earlier = '2026-03-01T09:00:00.000Z';
    expect(
      await apply(
        [message('u1', 'STOP'), message('u1', 'START'), message('u1', 'hello')],
        [RECEIVED, earlier, RECEIVED],
      ),
    ).toEqual([['tn_1', 'ct_u1', consent('opted_out', RECEIVED), { unlessNewer: false }]]);
    expect(await apply([message('u1', 'STOP'), message('u1', 'START')], [RECEIVED, RECEIVED])).toEqual([
      ['tn_1', 'ct_u1', consent('opted_in', RECEIVED), { unlessNewer: false }],
    ]);
  });

  it('uses the words it is given instead of the defaults', async () => {
    const keywords = { stop: ['HALT'], start: ['GO'] };
    expect(
      await apply([message('u1', 'STOP'), message('u2', 'halt')], [RECEIVED, RECEIVED], keywords),
    ).toEqual([['tn_1', 'ct_u2', consent('opted_out', RECEIVED), { unlessNewer: false }]]);
  });

  it('writes nothing for postbacks or messages without text', async () => {
    const events: InboundEvent[] = [
      { kind: 'postback', from: 'u1', payload: 'STOP', occurredAt: new Date(RECEIVED) },
      { kind: 'message', from: 'u1', contentType: 'image', occurredAt: new Date(RECEIVED) },
    ];
    expect(await apply(events, [RECEIVED, RECEIVED])).toEqual([]);
  });
});
