/**
 * The verified bytes decoded (JSON, or the channel's own format: WeChat's XML) and bounded: a
 * signed body is still refused if it nests too deep or holds a NUL, which cannot be stored.
 */
import { unsafeInput } from '../../../lib/unsafe-input.ts';
import { AppError, validationError } from '../../vocabulary/errors.ts';
import type { Reading } from './context.ts';

export function decodeBody(webhook: Pick<Reading, 'channel' | 'body' | 'decoded'>): void {
  const { channel, body } = webhook;
  let decoded: unknown;
  try {
    decoded = channel.decodeInbound ? channel.decodeInbound(body) : JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('GW_INVALID_JSON', 'The webhook body cannot be decoded');
  }
  const unsafe = unsafeInput(decoded);
  if (unsafe) {
    throw validationError([{ pointer: unsafe.pointer, rule: unsafe.rule, detail: unsafe.message }]);
  }
  webhook.decoded = decoded;
}
