/**
 * WeChat's webhook signature: the query carries `signature`, `timestamp` and `nonce`, and
 * signature = hex(sha1(the three strings token, timestamp, nonce sorted lexicographically and
 * concatenated)). It signs the query, not the body, for both the GET URL check and every POST.
 */
import { createHash } from 'node:crypto';
import { secretsEqual } from '../../../lib/headers.ts';

export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  const joined = [token, timestamp, nonce].sort().join('');
  return createHash('sha1').update(joined).digest('hex');
}

/** True when the query's signature matches the account token, compared in constant time. */
export function signedByWechat(
  query: Record<string, string> | undefined,
  token: string | undefined,
): boolean {
  if (query === undefined || !token) return false;
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) return false;
  return secretsEqual(wechatSignature(token, timestamp, nonce), signature.toLowerCase());
}
