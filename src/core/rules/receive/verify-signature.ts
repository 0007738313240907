/**
 * The provider's signature, checked on the exact bytes it sent before anything reads them. A body
 * the channel seals (WeChat's safe mode) is unsealed here: one that will not open is as unsigned
 * as a bad signature, and refused alike.
 */
import { AppError } from '../../vocabulary/errors.ts';
import type { Reading } from './context.ts';

export function verifySignature(webhook: Pick<Reading, 'channel' | 'account' | 'request' | 'body'>): void {
  const { channel, account, request } = webhook;
  const verified = channel.verifyInbound(request, account.credentials);
  const opened = !verified
    ? undefined
    : channel.openInbound
      ? channel.openInbound(request, account.credentials)
      : request.rawBody;
  if (opened === undefined) {
    throw new AppError('GW_UNAUTHORIZED', 'The webhook signature does not match');
  }
  webhook.body = opened;
}
