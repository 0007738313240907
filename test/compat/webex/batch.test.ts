/**
 * Batches: up to 1000 recipients per request (7009 beyond, nothing stored), one answer entry per
 * recipient in request order with its own transid, and correlation ids per destination entry that
 * override the request's and come back in the answer and on the stored message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { APP, psid, queued, refused, useApps, webex } from './helpers.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  await useApps(gw);
});
afterAll(async () => gw.close());

const text = (t: string) => ({ 'OTT-Messaging': { fb: { text: t } } });

describe('batches', () => {
  it('1000 destinations are queued, one transid each, and all reach Messenger', async () => {
    const people = Array.from({ length: 1000 }, (_, i) => psid(10_000 + i));
    const entries = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        correlationid: 'campaign-7',
        channels: text('Your parcel is on its way'),
        // Half as one entry with 500 values, half as 500 entries of one.
        destination: [{ psid: people.slice(0, 500) }, ...people.slice(500).map((p) => ({ psid: [p] }))],
      }),
      1000,
    );
    expect(new Set(entries.map((e) => e.transid)).size).toBe(1000);
    expect(entries.every((e) => e.correlationid === 'campaign-7')).toBe(true);
    const last = await gw.waitForStatus(entries[999]!.transid!, ['sent', 'delivered', 'read'], 30_000);
    expect(last.to).toBe(people[999]);
    expect(last.correlationId).toBe('campaign-7');
    const until = Date.now() + 30_000;
    while (
      gw
        .requests('messenger')
        .filter((r) => people.includes(String((r.body as { recipient: { id: string } }).recipient.id)))
        .length < 1000
    ) {
      if (Date.now() > until) throw new Error('not every recipient reached the sandbox');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('1001 destinations: 7009, and nothing is stored or sent', async () => {
    const people = Array.from({ length: 1001 }, (_, i) => psid(20_000 + i));
    const before = (await gw.api('GET', '/v1/messages?limit=1')).json.data[0]?.id;
    const description = refused(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: text('too many'),
        destination: [{ psid: people }],
      }),
      '7009',
    );
    expect(description).toBe('Max number of destinations: 1001 recipients; at most 1000 per request');
    // Counted across entries too.
    refused(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        channels: text('too many'),
        destination: [{ psid: people.slice(0, 600) }, { psid: people.slice(600) }],
      }),
      '7009',
    );
    expect((await gw.api('GET', '/v1/messages?limit=1')).json.data[0]?.id).toBe(before);
    expect(gw.requests('messenger').some((r) => JSON.stringify(r.body).includes(people[0]!))).toBe(false);
  });

  it("per-destination correlationids override the request's, in the answer and on each message", async () => {
    const [a, b, c, d] = [psid(30_001), psid(30_002), psid(30_003), psid(30_004)];
    const entries = queued(
      await webex(gw, {
        deliverychannel: 'fb',
        appid: APP.fb,
        correlationid: 'request-level',
        channels: text('Order update'),
        destination: [
          { psid: [a, b], correlationid: 'order-1' },
          { psid: [c] },
          { psid: [d], correlationid: 'order-4' },
        ],
      }),
      4,
    );
    expect(entries.map((e) => e.correlationid)).toEqual(['order-1', 'order-1', 'request-level', 'order-4']);
    const stored = await Promise.all(entries.map((e) => gw.api('GET', `/v1/messages/${e.transid}`)));
    expect(stored.map((s) => [s.json.to, s.json.correlationId])).toEqual([
      [a, 'order-1'],
      [b, 'order-1'],
      [c, 'request-level'],
      [d, 'order-4'],
    ]);
  });

  it('a recipient that cannot be reached gets its own refusal; the others are queued', async () => {
    const res = await webex(gw, {
      deliverychannel: 'fb',
      appid: APP.fb,
      channels: text('Mixed batch'),
      destination: [{ psid: [psid(40_001)] }, { customerid: ['ct_nobody'] }, { psid: [psid(40_002)] }],
    });
    expect(res.statusCode).toBe(200);
    const entries = res.json().response;
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ code: '1001', transid: expect.stringMatching(/^msg_/) });
    expect(entries[1]).toEqual({
      code: '7004',
      description: 'Invalid parameters: destination[1].customerid[0]: no contact ct_nobody',
    });
    expect(entries[2]).toMatchObject({ code: '1001' });
  });
});
