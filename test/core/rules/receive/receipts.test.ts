import { describe, expect, it } from 'vitest';
import { applyReceipts } from '../../../../src/core/rules/receive/receipts.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { ACCOUNT, at, fakeStore } from './fakes.ts';

const OCCURRED = '2026-03-01T10:00:00.000Z';

function status(
  providerMessageId: string,
  s: 'delivered' | 'read' | 'failed',
  reason?: string,
): InboundEvent {
  return {
    kind: 'status',
    providerMessageId,
    status: s,
    occurredAt: at(OCCURRED),
    ...(reason ? { reason } : {}),
  };
}

async function apply(events: InboundEvent[], store = fakeStore(), receiptRaceMs = 0) {
  await applyReceipts({ account: ACCOUNT, events, receiptRaceMs, store });
  return store;
}

describe('receipts', () => {
  it('moves the message a receipt names forward, with its reason', async () => {
    const store = fakeStore();
    store.providerIds.set('p1', 'msg_1');
    store.providerIds.set('p2', 'msg_2');
    await apply([status('p1', 'delivered'), status('p2', 'failed', 'blocked')], store);
    expect(store.calls).toEqual([
      { method: 'messages.findIdByProviderMessageId', args: ['tn_1', 'ca_1', 'p1'] },
      {
        method: 'messages.transition',
        args: [
          'tn_1',
          { messageId: 'msg_1', status: 'delivered', at: OCCURRED, detail: { source: 'provider_receipt' } },
        ],
      },
      { method: 'messages.findIdByProviderMessageId', args: ['tn_1', 'ca_1', 'p2'] },
      {
        method: 'messages.transition',
        args: [
          'tn_1',
          {
            messageId: 'msg_2',
            status: 'failed',
            at: OCCURRED,
            reason: 'blocked',
            detail: { source: 'provider_receipt' },
          },
        ],
      },
    ]);
  });

  it('records delivered before read, issued together', async () => {
    const store = fakeStore();
    store.providerIds.set('p1', 'msg_1');
    await apply([status('p1', 'read')], store);
    expect(store.transitions).toEqual([
      {
        messageId: 'msg_1',
        status: 'delivered',
        at: OCCURRED,
        detail: { source: 'provider_receipt', impliedBy: 'read' },
      },
      { messageId: 'msg_1', status: 'read', at: OCCURRED, detail: { source: 'provider_receipt' } },
    ]);
  });

  it('waits for a message whose send has not committed yet, then gives up on one that never comes', async () => {
    const store = fakeStore();
    setTimeout(() => store.providerIds.set('p1', 'msg_1'), 20);
    await apply([status('p1', 'delivered')], store, 1_000);
    expect(store.transitions).toEqual([expect.objectContaining({ messageId: 'msg_1' })]);

    const started = Date.now();
    const empty = await apply([status('p9', 'delivered')], fakeStore(), 120);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(empty.transitions).toEqual([]);
    expect(empty.methods().every((m) => m === 'messages.findIdByProviderMessageId')).toBe(true);
    expect(empty.calls.length).toBeGreaterThan(1);
  });

  it('moves every message a watermark covers', async () => {
    const store = fakeStore();
    store.sentTo.set('u1', ['msg_1', 'msg_2']);
    await apply(
      [
        {
          kind: 'status_watermark',
          recipient: 'u1',
          status: 'delivered',
          watermark: at('2026-03-01T09:59:00Z'),
          occurredAt: at(OCCURRED),
        },
      ],
      store,
    );
    expect(store.calls[0]).toEqual({
      method: 'messages.findSentTo',
      args: ['tn_1', 'ca_1', 'u1', '2026-03-01T09:59:00.000Z'],
    });
    const detail = { source: 'provider_receipt', watermark: '2026-03-01T09:59:00.000Z' };
    expect(store.transitions).toEqual([
      { messageId: 'msg_1', status: 'delivered', at: OCCURRED, detail },
      { messageId: 'msg_2', status: 'delivered', at: OCCURRED, detail },
    ]);
  });

  it('ignores events that are not receipts', async () => {
    const store = await apply([
      { kind: 'message', from: 'u1', text: 'hi', contentType: 'text', occurredAt: at(OCCURRED) },
    ]);
    expect(store.calls).toEqual([]);
  });
});
