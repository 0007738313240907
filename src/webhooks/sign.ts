/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the secret's bytes (base64 after the `whsec_` prefix), sent as
 * `webhook-signature: v1,<base64>`. Several secrets give several space-separated signatures, which
 * is how a rotation overlaps old and new secrets.
 */
import { createHmac } from 'node:crypto';
import { secretsEqual } from '../lib/headers.ts';

function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function signatureHeaders(
  secrets: string[],
  id: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => sign(s, id, timestamp, body)).join(' '),
  };
}

/** Verifies as a receiver would: any listed signature matching, timestamp within 5 minutes. */
export function verify(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  const id = headers['webhook-id'];
  const ts = Number(headers['webhook-timestamp']);
  const sigs = headers['webhook-signature'];
  if (!id || !Number.isFinite(ts) || !sigs) return false;
  if (Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const expected = sign(secret, id, ts, body);
  return sigs.split(' ').some((candidate) => secretsEqual(expected, candidate));
}
