import { describe, expect, it } from 'vitest';
import { storeEvents } from '../../../../src/core/rules/receive/store-events.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { ACCOUNT, at, fakeStore, message } from './fakes.ts';

const RECEIVED = '2026-03-01T10:00:01.000Z';

function webhook(events: InboundEvent[], store = fakeStore(), receivedAt = RECEIVED) {
  return {
    account: ACCOUNT,
    events,
    receivedAt,
    contactIds: new Map([['u1', 'ct_u1']]),
    firstStoredAt: [] as readonly string[],
    store,
  };
}

describe('store events', () => {
  it("stores every event in one call, each with its sender's contact, event id and reply token", async () => {
    const status: InboundEvent = {
      kind: 'status',
      providerEventId: 'ev2',
      providerMessageId: 'p1',
      status: 'delivered',
      occurredAt: at('2026-03-01T10:00:00Z'),
    };
    const w = webhook([message('u1', 'hi', { providerEventId: 'ev1', replyToken: 'rt1' }), status]);
    await storeEvents(w);
    expect(w.store.calls).toEqual([
      {
        method: 'inbound.insert',
        args: [
          'tn_1',
          [
            {
              channelAccountId: 'ca_1',
              kind: 'message',
              event: {
                ...message('u1', 'hi', { providerEventId: 'ev1', replyToken: 'rt1' }),
                contactId: 'ct_u1',
              },
              receivedAt: RECEIVED,
              providerEventId: 'ev1',
              from: 'u1',
              replyToken: 'rt1',
            },
            {
              channelAccountId: 'ca_1',
              kind: 'status',
              event: status,
              receivedAt: RECEIVED,
              providerEventId: 'ev2',
            },
          ],
        ],
      },
    ]);
    expect(w.firstStoredAt).toEqual([RECEIVED, RECEIVED]);
  });

  it('keeps when a redelivered event was first stored', async () => {
    const store = fakeStore();
    await storeEvents(
      webhook([message('u1', 'STOP', { providerEventId: 'ev1' })], store, '2026-03-01T09:00:00.000Z'),
    );
    const again = webhook([message('u1', 'STOP', { providerEventId: 'ev1' }), message('u1', 'x')], store);
    await storeEvents(again);
    expect(again.firstStoredAt).toEqual(['2026-03-01T09:00:00.000Z', RECEIVED]);
  });
});
