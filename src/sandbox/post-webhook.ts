/**
 * How an emulator delivers a simulated provider webhook to the gateway: exactly the bytes that
 * were signed, with the provider's headers, and the gateway's answer read back for the caller.
 */
import { request } from 'undici';
import { chaosForWebhook } from './chaos.ts';

export interface WebhookAnswer {
  status: number;
  body: unknown;
}

export async function postWebhook(
  url: string,
  raw: string,
  headers: Record<string, string>,
): Promise<WebhookAnswer> {
  const chaos = chaosForWebhook(url);
  if (!chaos.enabled) return postOnce(url, raw, headers);
  // Chaos mode: providers redeliver webhooks and do not keep their order.
  const { copies, delayMs } = chaos.receiptPlan();
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const answer = await postOnce(url, raw, headers);
  if (copies > 1) await postOnce(url, raw, headers);
  return answer;
}

async function postOnce(url: string, raw: string, headers: Record<string, string>): Promise<WebhookAnswer> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: raw,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: the text itself is the answer.
  }
  return { status: res.statusCode, body: parsed };
}
