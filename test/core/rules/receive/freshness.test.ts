import { describe, expect, it } from 'vitest';
import {
  type FreshnessInput,
  REPLAY_WINDOW_MS,
  refuseReplay,
} from '../../../../src/core/rules/receive/freshness.ts';
import { ACCOUNT, fakeChannel, fakeStore, signedRequest } from './fakes.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

function webhook(signed: { signedAt: number; nonce: string } | undefined | 'unsigned', store = fakeStore()) {
  const channel = signed === 'unsigned' ? fakeChannel() : fakeChannel({ signedFreshness: () => signed });
  const w: FreshnessInput = { channel, account: ACCOUNT, request: signedRequest({}), store, now: () => NOW };
  return { w, store };
}

describe('freshness (signed timestamp and nonce)', () => {
  it('asks nothing of a channel whose signature covers no delivery time', async () => {
    const { w, store } = webhook('unsigned');
    await refuseReplay(w);
    expect(store.calls).toEqual([]);
    expect(w.releaseNonce).toBeUndefined();
  });

  it('refuses a request of such a channel that carries no timestamp and nonce', async () => {
    const { w } = webhook(undefined);
    await expect(refuseReplay(w)).rejects.toMatchObject({
      code: 'GW_UNAUTHORIZED',
      message: 'The webhook carries no signed timestamp and nonce',
    });
  });

  it('refuses a timestamp outside the window either way, and takes one at its edge', async () => {
    const window = REPLAY_WINDOW_MS / 1000;
    for (const signedAt of [NOW_S - window - 1, NOW_S + window + 1]) {
      const { w, store } = webhook({ signedAt, nonce: 'n' });
      await expect(refuseReplay(w)).rejects.toMatchObject({
        code: 'GW_UNAUTHORIZED',
        message: 'The webhook signature is dated outside the 5-minute window',
      });
      expect(store.calls).toEqual([]);
    }
    for (const signedAt of [NOW_S - window, NOW_S + window])
      await refuseReplay(webhook({ signedAt, nonce: 'n' }).w);
  });

  it('claims the timestamp and nonce until the window closes after the timestamp', async () => {
    const { w, store } = webhook({ signedAt: NOW_S - 60, nonce: 'abc' });
    await refuseReplay(w);
    expect(store.calls).toEqual([
      {
        method: 'inbound.claimNonce',
        args: ['tn_1', 'ca_1', `${NOW_S - 60}:abc`, '2026-03-01T10:04:00.000Z', '2026-03-01T10:00:00.000Z'],
      },
    ]);
  });

  it('refuses the same timestamp and nonce again, but not the nonce at another second', async () => {
    const store = fakeStore();
    await refuseReplay(webhook({ signedAt: NOW_S, nonce: 'abc' }, store).w);
    await expect(refuseReplay(webhook({ signedAt: NOW_S, nonce: 'abc' }, store).w)).rejects.toMatchObject({
      code: 'GW_UNAUTHORIZED',
      message: 'The webhook was received before (its nonce is used)',
    });
    await refuseReplay(webhook({ signedAt: NOW_S + 1, nonce: 'abc' }, store).w);
  });

  it('leaves a way to forget the claim, so a failed request can be retried', async () => {
    const store = fakeStore();
    const { w } = webhook({ signedAt: NOW_S, nonce: 'abc' }, store);
    await refuseReplay(w);
    await w.releaseNonce?.();
    expect(store.calls.at(-1)).toEqual({
      method: 'inbound.releaseNonce',
      args: ['tn_1', 'ca_1', `${NOW_S}:abc`],
    });
    await refuseReplay(webhook({ signedAt: NOW_S, nonce: 'abc' }, store).w);
  });
});
