/**
 * Delivery notifications to `notifyurl`, in Webex Connect's shape (deliveryInfoNotification),
 * received by a loopback server: Submitted 7501, Delivered 7500, Read 7502 for Messenger and
 * WhatsApp, Failed 7010 with the provider's words for a refused message and for the deprecated
 * airline templates. Queueing is not notified; expiry (7208) is checked on the formatter itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webexNotification } from '../../../src/compat/webex/notification.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { startServer } from '../../support/http-server.ts';
import { APP, fill, fixture, psid, queued, useApps, webex } from './helpers.ts';

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  receiver = await startServer((_r, res) => res.writeHead(200).end());
  gw = await startTestGateway();
  await useApps(gw);
});
afterAll(async () => {
  await gw.close();
  await receiver.close();
});

interface Notification {
  deliveryInfoNotification: {
    deliveryInfo: Record<string, string>;
    subtid: string;
    correlationid: string;
    callbackData: string;
    transid: string;
  };
}

async function notificationsFor(transid: string, count: number): Promise<Notification[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const mine = receiver.received
      .map((r) => JSON.parse(r.body) as Notification)
      .filter((n) => n.deliveryInfoNotification.transid === transid);
    if (mine.length >= count) return mine;
    if (Date.now() > until) throw new Error(`${mine.length} of ${count} notifications for ${transid}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('notifications in Webex Connect shape', () => {
  it('Messenger: Submitted, Delivered, Read, each with transid, correlationid and callbackData', async () => {
    const to = psid(50_001);
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        correlationid: 'order-77',
        callbackData: 'shop=9',
        notifyurl: `${receiver.url}/webex-dr`,
        channels: { 'OTT-Messaging': { fb: { text: 'Your order shipped' } } },
        destination: [{ psid: [to] }],
      }),
    );
    const got = await notificationsFor(entry!.transid!, 3);
    expect(got.map((n) => n.deliveryInfoNotification.deliveryInfo['deliveryStatus'])).toEqual([
      'Submitted',
      'Delivered',
      'Read',
    ]);
    const [submitted, delivered, read] = got;
    expect(submitted).toEqual({
      deliveryInfoNotification: {
        deliveryInfo: {
          deliveryChannel: 'fb',
          Description: 'Submitted',
          destinationType: 'psid',
          timeStamp: expect.stringMatching(at),
          code: '7501',
          additionalInfo: '',
          deliveryStatus: 'Submitted',
          destination: to,
        },
        subtid: '',
        correlationid: 'order-77',
        callbackData: 'shop=9',
        transid: entry!.transid,
      },
    });
    expect(delivered?.deliveryInfoNotification.deliveryInfo).toMatchObject({
      code: '7500',
      Description: 'Delivered',
    });
    expect(read?.deliveryInfoNotification.deliveryInfo).toMatchObject({ code: '7502', Description: 'Read' });
    expect(receiver.received.filter((r) => r.url === '/webex-dr')).toHaveLength(3);
  });

  it('WhatsApp: Submitted, Delivered, Read with destinationType waid', async () => {
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'whatsapp',
        appid: APP.whatsapp,
        notifyurl: `${receiver.url}/wa-dr`,
        channels: { 'OTT-Messaging': { wa: { type: 'text', text: { body: 'Hello from Webex' } } } },
        destination: [{ waid: ['16505557001'] }],
      }),
    );
    const got = await notificationsFor(entry!.transid!, 3);
    expect(got.map((n) => n.deliveryInfoNotification.deliveryInfo)).toEqual(
      ['7501', '7500', '7502'].map((code) =>
        expect.objectContaining({
          code,
          deliveryChannel: 'whatsapp',
          destinationType: 'waid',
          destination: '16505557001',
        }),
      ),
    );
    expect(got[0]?.deliveryInfoNotification).toMatchObject({ correlationid: '', callbackData: '' });
  });

  it("a message Messenger refuses: Failed 7010 with Messenger's words in additionalInfo", async () => {
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        notifyurl: `${receiver.url}/fail`,
        channels: { 'OTT-Messaging': { fb: { text: 'to nobody' } } },
        // The sandbox has no person whose PSID starts 999.
        destination: [{ psid: ['9990000000001'] }],
      }),
    );
    const [failed] = await notificationsFor(entry!.transid!, 1);
    expect(failed?.deliveryInfoNotification.deliveryInfo).toMatchObject({
      deliveryStatus: 'Failed',
      code: '7010',
      Description: 'Service provider exception.',
      additionalInfo: expect.stringContaining('No matching user found'),
    });
  });

  it('a deprecated airline template: queued 1001, then failed by the gateway through the notification, never sent', async () => {
    const to = psid(50_003);
    const body = JSON.parse(fill(fixture('fb-airline-checkin'), { appid: APP.fb, psid: to })) as Record<
      string,
      unknown
    >;
    const [entry] = queued(
      await webex(gw, { ...body, notifyurl: `${receiver.url}/airline`, callbackData: 'pnr=ABCDEF' }),
    );
    const [failed] = await notificationsFor(entry!.transid!, 1);
    expect(failed?.deliveryInfoNotification).toEqual({
      deliveryInfo: {
        deliveryChannel: 'fb',
        Description: 'Invalid parameters/Values',
        destinationType: 'psid',
        timeStamp: expect.any(String),
        code: '7004',
        additionalInfo:
          'Airline Check-in Template is deprecated and the messaging API call will fail with a delivery receipt notification.',
        deliveryStatus: 'Failed',
        destination: to,
      },
      subtid: '',
      correlationid: '',
      callbackData: 'pnr=ABCDEF',
      transid: entry!.transid,
    });
    expect(gw.requests('messenger', to)).toEqual([]);
  });

  it('a notifyurl that is no URL: queued, and nothing is notified', async () => {
    const before = receiver.received.length;
    const [entry] = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        notifyurl: '',
        channels: { 'OTT-Messaging': { fb: { text: 'quiet' } } },
        destination: [{ psid: [psid(50_004)] }],
      }),
    );
    const message = await gw.waitForStatus(entry!.transid!, ['read']);
    expect(message.callbackUrl).toBeUndefined();
    expect(receiver.received.length).toBe(before);
  });
});

describe('the formatter', () => {
  const input = {
    messageId: 'msg_1',
    channel: 'messenger',
    to: '1254400000001',
    previousStatus: 'sent' as const,
    sequence: 5,
    occurredAt: '2026-01-02T03:04:05.678Z',
    correlationId: 'c',
    callbackData: 'd',
  };

  it('an expired message is Un-Delivered 7208 Message expired', () => {
    const n = JSON.parse(webexNotification({ ...input, status: 'expired' }) ?? '{}');
    expect(n.deliveryInfoNotification.deliveryInfo).toMatchObject({
      deliveryStatus: 'Un-Delivered',
      code: '7208',
      Description: 'Message expired',
    });
  });

  it('tells nothing of accepting, queueing or sending', () => {
    for (const status of ['accepted', 'queued', 'sending'] as const) {
      expect(webexNotification({ ...input, status })).toBeUndefined();
    }
  });
});
