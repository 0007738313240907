/**
 * Webhooks the emulator sends as Meta does: `{object, entry:[{id, time, messaging:[event]}]}`,
 * signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` over the exact bytes
 * posted. Simulated user activity (a message, a quick-reply tap, a postback) and the receipts that
 * follow a send (Messenger: delivery and read watermarks; Instagram: seen by mid).
 */
import type { Obj } from '../../../../lib/json.ts';
import { postWebhook, type WebhookAnswer } from '../../../../sandbox/post-webhook.ts';
import { HUB_SIGNATURE_HEADER, signHubBody } from '../../meta-graph/webhook.ts';
import { SCOPED_ID } from '../limits.ts';
import type { EmulatorProfile } from './profile.ts';

export type SimulateInput =
  | { from: string; text: string }
  | { from: string; text: string; quickReply: string }
  | { from: string; postback: string; title?: string };

export function parseSimulateInput(body: unknown): SimulateInput | string {
  if (typeof body !== 'object' || body === null)
    return 'The body must be {from, text}, {from, text, quickReply} or {from, postback}';
  const b = body as Obj;
  const from = b['from'];
  if (typeof from !== 'string' || !SCOPED_ID.test(from))
    return "'from' must be the person's numeric scoped id";
  const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (nonEmpty(b['postback']))
    return { from, postback: b['postback'], ...(nonEmpty(b['title']) ? { title: b['title'] } : {}) };
  if (nonEmpty(b['text']) && nonEmpty(b['quickReply']))
    return { from, text: b['text'], quickReply: b['quickReply'] };
  if (nonEmpty(b['text'])) return { from, text: b['text'] };
  return "Give a non-empty 'text' (with 'quickReply' for a quick-reply tap) or a 'postback' payload";
}

export function simulatedEvent(profile: EmulatorProfile, input: SimulateInput, now = Date.now()): Obj {
  const envelope = { sender: { id: input.from }, recipient: { id: profile.accountId }, timestamp: now };
  const mid = profile.messageId();
  if ('postback' in input) {
    return { ...envelope, postback: { mid, title: input.title ?? input.postback, payload: input.postback } };
  }
  const quick = 'quickReply' in input ? { quick_reply: { payload: input.quickReply } } : {};
  return { ...envelope, message: { mid, text: input.text, ...quick } };
}

/** The receipts that follow a message sent to `to`, in order, each with its delay after the one before. */
export function receiptEvents(
  profile: EmulatorProfile,
  to: string,
  mid: string,
): Array<{ afterMs: number; event: (now: number) => Obj }> {
  const envelope = (now: number) => ({
    sender: { id: to },
    recipient: { id: profile.accountId },
    timestamp: now,
  });
  if (profile.receipts === 'seen_by_mid') {
    return [{ afterMs: 60, event: (now) => ({ ...envelope(now), read: { mid } }) }];
  }
  return [
    { afterMs: 30, event: (now) => ({ ...envelope(now), delivery: { mids: [mid], watermark: now } }) },
    { afterMs: 70, event: (now) => ({ ...envelope(now), read: { watermark: now } }) },
  ];
}

export function webhookBody(profile: EmulatorProfile, events: Obj[], now = Date.now()): Obj {
  return { object: profile.object, entry: [{ id: profile.accountId, time: now, messaging: events }] };
}

/** Posts exactly the bytes it signed. */
export function postSigned(url: string, body: unknown, appSecret: string): Promise<WebhookAnswer> {
  const raw = JSON.stringify(body);
  return postWebhook(url, raw, { [HUB_SIGNATURE_HEADER]: signHubBody(raw, appSecret) });
}
