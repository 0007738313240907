/**
 * The exact bytes of every callback the store queues, against every backend: Omnigate's own
 * (Standard Webhooks) event for a send's callbackUrl and for subscriptions, a click, and a vendor
 * façade's notification shape (Webex) for a send's own callbackUrl. A receiver verifies the
 * signature over these bytes and parses them in its own way, so a change of key order, of a
 * missing field's spelling or of a code is a break even when the JSON means the same; the
 * expected rows are in callback-payloads.json, written once and never regenerated to match.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AcceptBatch, NewRecipient, Store, Transition } from '../../src/core/ports/store.ts';
import { BACKENDS } from '../support/backends.ts';

interface Row {
  id: string;
  url: string;
  payload: string;
}

const EXPECTED: Row[] = JSON.parse(
  readFileSync(new URL('./callback-payloads.json', import.meta.url), 'utf8'),
);

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';
const T3 = '2026-01-01T00:00:03.000Z';
const T4 = '2026-01-01T00:00:04.000Z';
const OWN = 'http://127.0.0.1:9/own';

function recipient(id: string, to: string, extra: Partial<NewRecipient> = {}): NewRecipient {
  return {
    id,
    to,
    request: { method: 'POST', path: '/send', body: { to } },
    degradations: [],
    ...extra,
  };
}

function batch(tenantId: string, channel: string, recipients: NewRecipient[], extra: Partial<AcceptBatch>) {
  return {
    tenantId,
    acceptedAt: T0,
    channel,
    channelAccountId: 'ca_1',
    content: { type: 'text', text: 'hi' },
    recipients,
    ...extra,
  } satisfies AcceptBatch;
}

describe.each(BACKENDS)('callback payload bytes: $name', (factory) => {
  let store: Store;
  beforeEach(async () => {
    ({ store } = await factory.create());
    // t1 has no subscriptions (PostgreSQL accepts its sends in one statement), t2 has two.
    await store.tenants.ensure('t1', 'one');
    await store.tenants.ensure('t2', 'two');
  });
  afterEach(async () => store.close());

  const move = (tenantId: string, t: Transition) => store.messages.transition(tenantId, t);
  const rowsOf = async (tenantId: string, ids: string[]): Promise<Row[]> => {
    const rows: Row[] = [];
    for (const id of ids) {
      for (const d of await store.callbacks.list(tenantId, id))
        rows.push({ id: d.id, url: d.url, payload: d.payload });
    }
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };

  it('queues the same bytes for native, Webex and unknown formats, clicks and subscriptions', async () => {
    await store.links.create({ id: 'lk_1', tenantId: 't1', url: 'https://example.com/offer', createdAt: T0 });
    await store.webhooks.create(
      { id: 'wh_all', tenantId: 't2', url: 'https://hooks.example/all', events: ['*'], createdAt: T0 },
      'whsec_1',
    );
    await store.webhooks.create(
      {
        id: 'wh_sent',
        tenantId: 't2',
        url: 'https://hooks.example/sent',
        events: ['message.sent'],
        createdAt: T0,
      },
      'whsec_2',
    );

    // Native: every field present, through accept, an attempt, a receipt, a click, a read.
    const link = { code: 'c0de', linkId: 'lk_1', url: 'https://example.com/offer', expiresAt: T4 };
    await store.messages.accept(
      batch('t1', 'line', [recipient('msg_native', 'U1', { smartlinks: [link] })], {
        callbackUrl: OWN,
        callbackData: 'ctx "quoted" é',
        correlationId: 'corr-1',
      }),
    );
    await store.messages.beginAttempts(T1, [{ tenantId: 't1', messageId: 'msg_native', attempt: 1 }]);
    await move('t1', {
      messageId: 'msg_native',
      status: 'sent',
      at: T1,
      providerMessageId: 'pm-1',
      finishJob: true,
    });
    await move('t1', { messageId: 'msg_native', status: 'delivered', at: T2 });
    expect(await store.links.click('c0de', T2, 'UA/1')).toEqual({ url: 'https://example.com/offer' });
    await move('t1', { messageId: 'msg_native', status: 'read', at: T3 });

    // Native, nothing optional, failed with the provider's words, then redriven.
    await store.messages.accept(batch('t1', 'viber', [recipient('msg_bare', 'V1')], { callbackUrl: OWN }));
    await move('t1', {
      messageId: 'msg_bare',
      status: 'failed',
      at: T1,
      reason: 'receiver not subscribed',
      code: 'provider_rejected',
      finishJob: true,
    });
    await store.messages.redrive('t1', ['msg_bare'], T2);

    // Webex: queued is not notified; each channel's names; each failure code; expiry.
    const webex = { callbackUrl: OWN, callbackFormat: 'webex' };
    await store.messages.accept(
      batch('t1', 'whatsapp', [recipient('msg_wa', '15551234567')], {
        ...webex,
        correlationId: 'corr-wa',
        callbackData: 'cb-wa',
      }),
    );
    await move('t1', { messageId: 'msg_wa', status: 'sent', at: T1, providerMessageId: 'wamid.1' });
    await move('t1', { messageId: 'msg_wa', status: 'delivered', at: T2 });
    await move('t1', { messageId: 'msg_wa', status: 'read', at: T3 });
    await store.messages.accept(batch('t1', 'messenger', [recipient('msg_fb', 'PSID1')], webex));
    await move('t1', {
      messageId: 'msg_fb',
      status: 'failed',
      at: T1,
      reason: 'Message templates are deprecated',
      code: 'deprecated_template',
    });
    await store.messages.accept(batch('t1', 'messenger', [recipient('msg_fb2', 'PSID2')], webex));
    await move('t1', { messageId: 'msg_fb2', status: 'sent', at: T1 });
    await move('t1', {
      messageId: 'msg_fb2',
      status: 'undelivered',
      at: T2,
      reason: 'user blocked',
      code: 'x',
    });
    await store.messages.accept(batch('t1', 'line', [recipient('msg_line', 'U2')], webex));
    await move('t1', { messageId: 'msg_line', status: 'expired', at: T1, reason: 'expired before sending' });
    await store.messages.accept(batch('t1', 'whatsapp', [recipient('msg_wa2', '15550000000')], webex));
    await move('t1', { messageId: 'msg_wa2', status: 'rejected', at: T1 });

    // A format this build does not know falls back to Omnigate's own shape.
    await store.messages.accept(
      batch('t1', 'line', [recipient('msg_future', 'U3')], {
        callbackUrl: OWN,
        callbackFormat: 'newer-vendor',
      }),
    );
    await move('t1', { messageId: 'msg_future', status: 'sent', at: T1 });

    // Subscriptions always get Omnigate's shape, whatever the send's own callbackUrl is told in.
    await store.messages.accept(
      batch(
        't2',
        'whatsapp',
        [recipient('msg_sub_wx', '15559999999'), recipient('msg_sub_own', '15558888888')],
        {
          ...webex,
          correlationId: 'corr-sub',
        },
      ),
    );
    await move('t2', { messageId: 'msg_sub_wx', status: 'sent', at: T1, providerMessageId: 'wamid.2' });
    await store.messages.accept(batch('t2', 'line', [recipient('msg_sub_none', 'U4')], {}));
    await move('t2', { messageId: 'msg_sub_none', status: 'sent', at: T1 });

    const t1 = ['msg_native', 'msg_bare', 'msg_wa', 'msg_fb', 'msg_fb2', 'msg_line', 'msg_wa2', 'msg_future'];
    const t2 = ['msg_sub_wx', 'msg_sub_own', 'msg_sub_none'];
    const actual = [...(await rowsOf('t1', t1)), ...(await rowsOf('t2', t2))];
    expect(actual).toEqual(EXPECTED);
  });
});
