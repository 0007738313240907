import { describe, expect, it } from 'vitest';
import type { ChannelAccountWithSecrets } from '../../src/core/ports/store.ts';
import {
  answerHandshake,
  findWebhookTarget,
  type ReceiveDeps,
  receiveWebhook,
} from '../../src/core/receive.ts';
import { ACCOUNT, fakeChannel, fakeStore, signedRequest } from './rules/receive/fakes.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

function deps(store = fakeStore(), extra: Partial<ReceiveDeps> = {}) {
  return { store, now: () => NOW, receiptRaceMs: 0, ...extra } satisfies ReceiveDeps;
}

const fresh = fakeChannel({
  signedFreshness: (r) => ({ signedAt: Number(r.query?.timestamp), nonce: 'n1' }),
});
const FRESH_QUERY = { timestamp: String(NOW_S) };

describe('finding whose webhook it is', () => {
  const accounts = (account: ChannelAccountWithSecrets | undefined) => {
    const asked: string[] = [];
    return {
      asked,
      store: {
        channelAccounts: {
          findForWebhook: async (id: string) => {
            asked.push(id);
            return account;
          },
        },
      },
    };
  };
  const connectors = { fake: fakeChannel() };
  const notFound = { code: 'GW_NOT_FOUND', status: 404, message: 'No such webhook' };

  it('finds the channel and the account of the URL', async () => {
    const { store } = accounts(ACCOUNT);
    const target = await findWebhookTarget({ store, connectors }, 'fake', 'ca_1');
    expect(target).toEqual({ connector: connectors.fake, account: ACCOUNT });
  });

  it('answers 404 for an unknown channel without looking the account up', async () => {
    const { store, asked } = accounts(ACCOUNT);
    await expect(findWebhookTarget({ store, connectors }, 'other', 'ca_1')).rejects.toMatchObject(notFound);
    expect(asked).toEqual([]);
  });

  it('answers 404 for an unknown account, or one of another channel', async () => {
    await expect(
      findWebhookTarget({ ...accounts(undefined), connectors }, 'fake', 'ca_9'),
    ).rejects.toMatchObject(notFound);
    const other = { ...ACCOUNT, channel: 'line' };
    await expect(
      findWebhookTarget(
        { ...accounts(other), connectors: { ...connectors, line: fakeChannel() } },
        'fake',
        'ca_1',
      ),
    ).rejects.toMatchObject(notFound);
  });

  it('answers 404 for a sandbox account only in production mode', async () => {
    const sandbox = { ...ACCOUNT, sandbox: true };
    await findWebhookTarget({ ...accounts(sandbox), connectors }, 'fake', 'ca_1');
    await expect(
      findWebhookTarget({ ...accounts(sandbox), connectors, refuseSandboxAccounts: true }, 'fake', 'ca_1'),
    ).rejects.toMatchObject(notFound);
  });
});

describe('the handshake', () => {
  it("echoes what the channel's handshake answers", () => {
    const connector = fakeChannel({ handshake: (q, c) => (q.token === c.secret ? q.challenge : undefined) });
    expect(answerHandshake({ connector, account: ACCOUNT }, { token: 's3cret', challenge: '42' })).toBe('42');
  });

  it('refuses with a 403 a wrong handshake or a channel without one', () => {
    const refusal = expect.objectContaining({
      code: 'GW_WEBHOOK_VERIFICATION',
      status: 403,
      message: 'The verify token or signature of the handshake does not match',
    });
    const connector = fakeChannel({ handshake: () => undefined });
    expect(() => answerHandshake({ connector, account: ACCOUNT }, {})).toThrow(refusal);
    expect(() => answerHandshake({ connector: fakeChannel(), account: ACCOUNT }, {})).toThrow(refusal);
  });
});

describe('receiving a webhook', () => {
  const body = {
    events: [
      { kind: 'message', from: 'u1', text: 'STOP', contentType: 'text', providerEventId: 'ev1' },
      { kind: 'message', from: 'u2', text: '1', contentType: 'text' },
      { kind: 'status', providerMessageId: 'p1', status: 'read' },
    ],
  };

  it('reads, then records in the declared order, and answers with the count of events', async () => {
    const store = fakeStore();
    store.choices.set('u2', { messageId: 'msg_0', choices: [{ number: 1, title: 'A', payload: 'A' }] });
    store.providerIds.set('p1', 'msg_1');
    const answer = await receiveWebhook(
      deps(store),
      { connector: fresh, account: ACCOUNT },
      signedRequest(body, FRESH_QUERY),
    );
    expect(answer).toEqual({ kind: 'received', received: 4 });
    expect(store.methods()).toEqual([
      'inbound.claimNonce',
      'messages.latestChoices',
      'contacts.resolveInbound',
      'contacts.resolveInbound',
      'conversations.open',
      'conversations.open',
      'inbound.insert',
      'policy.setConsent',
      'messages.findIdByProviderMessageId',
      'messages.transition',
      'messages.transition',
    ]);
    const insert = store.calls.find((c) => c.method === 'inbound.insert')?.args[1] as Array<{ kind: string }>;
    expect(insert.map((r) => r.kind)).toEqual(['message', 'message', 'status', 'postback']);
    // Every record of the webhook is dated with one reception time.
    const dated = store.calls
      .filter((c) => c.method === 'contacts.resolveInbound' || c.method === 'conversations.open')
      .map((c) => c.args[3]);
    expect(new Set(dated)).toEqual(new Set([NOW.toISOString()]));
  });

  it("answers with the channel's own acknowledgement where it has one", async () => {
    const connector = fakeChannel({ inboundAck: { contentType: 'text/plain', body: 'success' } });
    expect(
      await receiveWebhook(deps(), { connector, account: ACCOUNT }, signedRequest({ events: [] })),
    ).toEqual({
      kind: 'ack',
      contentType: 'text/plain',
      body: 'success',
    });
  });

  it('issues the conversations and the events together, so they share one commit', async () => {
    const store = fakeStore();
    const issued: string[] = [];
    const open = store.conversations.open;
    store.conversations.open = (...args) => {
      issued.push('open');
      return new Promise((resolve) => setTimeout(() => resolve(open(...args)), 5));
    };
    const insert = store.inbound.insert;
    store.inbound.insert = (...args) => {
      issued.push('insert');
      return insert(...args);
    };
    const receiving = receiveWebhook(
      deps(store),
      { connector: fakeChannel(), account: ACCOUNT },
      signedRequest(body),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(issued).toEqual(['open', 'open', 'insert']);
    await receiving;
  });

  it('uses the stop and start words it is given', async () => {
    const store = fakeStore();
    await receiveWebhook(
      deps(store, { keywords: { stop: ['HALT'], start: [] } }),
      { connector: fakeChannel(), account: ACCOUNT },
      signedRequest(body),
    );
    expect(store.methods()).not.toContain('policy.setConsent');
  });

  it('forgets the nonce of a request that fails after claiming it, and fails the same way', async () => {
    const store = fakeStore();
    const target = { connector: fresh, account: ACCOUNT };
    await expect(receiveWebhook(deps(store), target, signedRequest('{', FRESH_QUERY))).rejects.toMatchObject({
      code: 'GW_INVALID_JSON',
      status: 400,
    });
    expect(store.methods()).toEqual(['inbound.claimNonce', 'inbound.releaseNonce']);

    const lost = new Error('connection lost');
    store.inbound.insert = async () => {
      throw lost;
    };
    await expect(receiveWebhook(deps(store), target, signedRequest(body, FRESH_QUERY))).rejects.toBe(lost);
    expect(store.methods().at(-1)).toBe('inbound.releaseNonce');
    expect(store.nonces.size).toBe(0);
  });

  it('keeps the failure, not the release’s, when forgetting the nonce fails too', async () => {
    const store = fakeStore();
    store.inbound.releaseNonce = async () => {
      throw new Error('release failed');
    };
    await expect(
      receiveWebhook(deps(store), { connector: fresh, account: ACCOUNT }, signedRequest('{', FRESH_QUERY)),
    ).rejects.toMatchObject({ code: 'GW_INVALID_JSON' });
  });

  it('writes nothing for a request refused before its nonce is claimed, nor releases one it did not claim', async () => {
    const store = fakeStore();
    const unsigned = { ...signedRequest(body, FRESH_QUERY), headers: {} };
    await expect(
      receiveWebhook(deps(store), { connector: fresh, account: ACCOUNT }, unsigned),
    ).rejects.toMatchObject({
      code: 'GW_UNAUTHORIZED',
    });
    expect(store.calls).toEqual([]);

    await receiveWebhook(
      deps(store),
      { connector: fresh, account: ACCOUNT },
      signedRequest(body, FRESH_QUERY),
    );
    const before = store.calls.length;
    await expect(
      receiveWebhook(deps(store), { connector: fresh, account: ACCOUNT }, signedRequest(body, FRESH_QUERY)),
    ).rejects.toMatchObject({
      code: 'GW_UNAUTHORIZED',
      message: 'The webhook was received before (its nonce is used)',
    });
    expect(store.methods().slice(before)).toEqual(['inbound.claimNonce']);
  });
});
