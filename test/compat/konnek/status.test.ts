/**
 * Konnek's numeric status (-3 Failed, -2 Undelivered, -1 Unsent, 0 Pending, 1 Sent, 2 Delivered,
 * 3 Read): 0 in the send's answer, then moved by the sandbox providers' answers and receipts, as
 * Omnigate's status lookup (`GET /{channel}/status/{clientID}/{messageId}`) tells it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_SIGNATURE_HEADER, signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { statusWebhook } from '../../../src/channels/whatsapp/emulator/webhook.ts';
import { WHATSAPP_SANDBOX_CREDENTIALS } from '../../../src/channels/whatsapp/options.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../../support/gateway.ts';
import {
  accepted,
  CHANNELS,
  contactWithPhone,
  type KonnekChannel,
  konnek,
  konnekStatus,
  refused,
  request,
} from './client.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

async function send(channel: KonnekChannel, recipient: string, clientId = gw.accountId(CHANNELS[channel])) {
  const body = request(recipient, { type: 'text', body: { text: `status on ${channel}` } });
  const data = accepted(await konnek(gw, channel, clientId, body), body.id as string);
  expect(data.status).toBe(0);
  return { id: body.id as string, messageId: data.message_id, body };
}

/** The lookup's answer for a message: the same `meta` + `data` shape as the send's. */
async function lookup(channel: KonnekChannel, messageId: string, clientId = gw.accountId(CHANNELS[channel])) {
  const res = await konnekStatus(gw, channel, clientId, messageId);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().meta).toEqual({ status: true, code: 200, message: 'OK', errors: null });
  return res.json().data as { message_id: string; status: number; tid: string };
}

describe('through the receipts', () => {
  it('on whatsapp reaches 3 Read; the lookup finds it by message_id and by the id sent', async () => {
    const { id, messageId } = await send('whatsapp', '628140000001');
    const message = await gw.waitForStatus(messageId, ['read']);
    expect(statusesOf(message)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
    expect(await lookup('whatsapp', messageId)).toEqual({ message_id: messageId, status: 3, tid: id });
    expect(await lookup('whatsapp', id)).toEqual({ message_id: messageId, status: 3, tid: id });
  });

  it('on facebook reaches 3 Read by the delivery and read watermarks', async () => {
    const { messageId } = await send('facebook', '1254472000000001');
    await gw.waitForStatus(messageId, ['read']);
    expect((await lookup('facebook', messageId)).status).toBe(3);
  });

  it.each([
    ['telegram', '720001'],
    ['line', `U${'d'.repeat(31)}1`],
  ] as const)('on %s stays 1 Sent: the provider sends bots no receipts', async (channel, recipient) => {
    const { messageId } = await send(channel, recipient);
    await gw.waitForStatus(messageId, ['sent']);
    expect((await lookup(channel, messageId)).status).toBe(1);
  });

  it('moves 1 → 2 → 3 one receipt at a time', async () => {
    // A second WhatsApp account on the same sandbox number, found by its name as the clientID: the
    // emulator's own receipts go to the first account's webhook, so this account's message moves
    // only by the receipts posted here.
    const created = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'whatsapp',
      name: 'konnek-client-receipts',
      credentials: WHATSAPP_SANDBOX_CREDENTIALS,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const account = created.json.id as string;
    const recipient = '628140000002';
    const { id, messageId } = await send('whatsapp', recipient, 'konnek-client-receipts');
    const sent = await gw.waitForStatus(messageId, ['sent']);
    expect(sent.from).toBe(account);
    // Past the emulator's own receipts (read at ~120 ms): none of them moved this message.
    await new Promise((r) => setTimeout(r, 300));
    expect(await lookup('whatsapp', id, 'konnek-client-receipts')).toMatchObject({
      message_id: messageId,
      status: 1,
    });

    for (const [status, konnekNumber] of [
      ['delivered', 2],
      ['read', 3],
    ] as const) {
      const raw = JSON.stringify(
        statusWebhook(WHATSAPP_SANDBOX_CREDENTIALS.phoneNumberId, {
          id: sent.providerMessageId as string,
          recipient,
          status,
        }),
      );
      const res = await gw.app.inject({
        method: 'POST',
        url: `/webhooks/whatsapp/${account}`,
        payload: raw,
        headers: {
          'content-type': 'application/json',
          [HUB_SIGNATURE_HEADER]: signHubBody(raw, WHATSAPP_SANDBOX_CREDENTIALS.appSecret),
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      await gw.waitForStatus(messageId, [status]);
      expect((await lookup('whatsapp', messageId, account)).status).toBe(konnekNumber);
    }
  });

  it('a retry of the same id answers the message’s status now, without sending again', async () => {
    const { body, messageId } = await send('whatsapp', '628140000003');
    await gw.waitForStatus(messageId, ['read']);
    const again = accepted(await konnek(gw, 'whatsapp', gw.accountId('whatsapp'), body), body.id as string);
    expect(again).toEqual({ message_id: messageId, status: 3, tid: body.id });
    expect(gw.requests('whatsapp', '628140000003')).toHaveLength(1);
  });
});

describe('-3 Failed', () => {
  it.each([
    ['whatsapp', '999133010000001', 'refused at once: not on WhatsApp'],
    ['whatsapp', '999131026000001', 'accepted, then a failed receipt'],
    ['telegram', '6281999000001', 'a contact whose chat is not found'],
    ['facebook', '9990000000000001', 'no matching user'],
  ] as Array<[KonnekChannel, string, string]>)('on %s to %s (%s)', async (channel, recipient) => {
    // A Telegram recipient is a phone number held by a contact; this one's chat id is the
    // emulator's "chat not found" sentinel.
    if (channel === 'telegram') await contactWithPhone(gw, `+${recipient}`, { telegram: '999000001' });
    const { messageId } = await send(channel, recipient);
    const failed = await gw.waitForStatus(messageId, ['failed']);
    expect(failed.statusReason).toBeTruthy();
    expect((await lookup(channel, messageId)).status).toBe(-3);
  });
});

describe('the lookup refuses in Konnek’s shape', () => {
  it('a message it does not know', async () => {
    const errors = refused(await konnekStatus(gw, 'whatsapp', gw.accountId('whatsapp'), 'msg_unknown'), 404);
    expect(errors).toMatch(/^messageId: no whatsapp message 'msg_unknown'/);
  });

  it('a message of another channel or client', async () => {
    const { messageId } = await send('telegram', '720002');
    refused(await konnekStatus(gw, 'whatsapp', gw.accountId('whatsapp'), messageId), 404);
    refused(await konnekStatus(gw, 'line', gw.accountId('line'), messageId), 404);
  });

  it('an unknown clientID', async () => {
    const errors = refused(await konnekStatus(gw, 'line', 'no-such-client', 'msg_x'), 404);
    expect(errors).toMatch(/^clientID: /);
  });

  it('wrong credentials, before anything else', async () => {
    const res = await konnekStatus(gw, 'whatsapp', 'no-such-client', 'msg_x', {
      'auth-username': 'konnek-client',
      'auth-password': 'wrong',
    });
    refused(res, 401);
  });
});

describe('-1 Unsent', () => {
  let late: TestGateway;
  beforeAll(async () => {
    // The API's clock an hour behind: the message is accepted with a default expiry that the
    // dispatcher's clock finds already past, so it expires without being handed to Telegram.
    late = await startTestGateway(
      { OMNIGATE_TELEGRAM_DEFAULT_TTL_SECONDS: '60' },
      { now: () => new Date(Date.now() - 3_600_000) },
    );
  });
  afterAll(async () => late?.close());

  it('a message that expired before it was sent', async () => {
    const body = request('720003', { type: 'text', body: { text: 'too late' } });
    const data = accepted(await konnek(late, 'telegram', late.accountId('telegram'), body));
    await late.waitForStatus(data.message_id, ['expired']);
    const res = await konnekStatus(late, 'telegram', late.accountId('telegram'), body.id as string);
    expect(res.json().data).toEqual({ message_id: data.message_id, status: -1, tid: body.id });
    expect(late.requests('telegram', '720003')).toHaveLength(0);
  });
});
