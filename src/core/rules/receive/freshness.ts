/**
 * Replayed webhooks are refused where the signature covers a delivery time (WeChat signs a
 * timestamp and nonce): one dated outside the window, or whose nonce was seen within it, is a 401.
 * Body HMACs (LINE, Meta, Viber) sign event times, and their providers redeliver the same bytes on
 * purpose; those are deduplicated by provider event id when stored instead (store-events.ts).
 */
import type { InboundRepository } from '../../ports/store.ts';
import { AppError } from '../../vocabulary/errors.ts';
import type { Reading } from './context.ts';

/**
 * A signed timestamp further than this from our clock, either way, is refused, and a nonce is
 * remembered this long past its timestamp: a captured request cannot be played again.
 */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export type FreshnessInput = Pick<Reading, 'channel' | 'account' | 'request' | 'now' | 'releaseNonce'> & {
  readonly store: { readonly inbound: Pick<InboundRepository, 'claimNonce' | 'releaseNonce'> };
};

/** Refuses a request whose signed timestamp is outside the window or whose nonce was seen. */
export async function refuseReplay(webhook: FreshnessInput): Promise<void> {
  const { channel, account, request, store, now } = webhook;
  if (!channel.signedFreshness) return;
  const signed = channel.signedFreshness(request);
  if (!signed) throw new AppError('GW_UNAUTHORIZED', 'The webhook carries no signed timestamp and nonce');
  const nowMs = now().getTime();
  const signedAtMs = signed.signedAt * 1000;
  if (Math.abs(nowMs - signedAtMs) > REPLAY_WINDOW_MS) {
    throw new AppError('GW_UNAUTHORIZED', 'The webhook signature is dated outside the 5-minute window');
  }
  // A replay repeats both (they are signed); the timestamp keeps two pushes that draw the same
  // nonce in different seconds apart.
  const nonce = `${signed.signedAt}:${signed.nonce}`;
  const expiresAt = new Date(signedAtMs + REPLAY_WINDOW_MS).toISOString();
  const fresh = await store.inbound.claimNonce(
    account.tenantId,
    account.id,
    nonce,
    expiresAt,
    new Date(nowMs).toISOString(),
  );
  if (!fresh) throw new AppError('GW_UNAUTHORIZED', 'The webhook was received before (its nonce is used)');
  // A request that fails after claiming its nonce stored nothing: the provider's retry of it,
  // which may carry the same nonce, must not be refused as a replay (receive.ts releases it).
  webhook.releaseNonce = () => store.inbound.releaseNonce(account.tenantId, account.id, nonce);
}
