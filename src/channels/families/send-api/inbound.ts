/**
 * Messenger and Instagram webhooks: `{object, entry:[{id, time, messaging:[event]}]}`, signed with
 * X-Hub-Signature-256 (../meta-graph/webhook.ts). Events: a message (a quick-reply tap is a
 * postback), a postback, an echo of our own message (`other`), and receipts — Messenger's
 * `delivery` {mids?, watermark} and `read` {watermark}, Instagram's `read` {mid} (messaging_seen).
 * A receipt with mids gives one `status` event per mid; a watermark gives one `status_watermark`
 * for the person (the sender of the receipt).
 */

import type { InboundEvent } from '../../../core/vocabulary/channel.ts';
import { isObj, type Obj } from '../../../lib/json.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined =>
  isObj(v) && (typeof v['id'] === 'string' || typeof v['id'] === 'number') ? String(v['id']) : undefined;

const ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);

export function parseSendApiWebhook(body: unknown): InboundEvent[] {
  if (!isObj(body) || !Array.isArray(body['entry'])) return [];
  const events: InboundEvent[] = [];
  for (const entry of body['entry']) {
    if (!isObj(entry) || !Array.isArray(entry['messaging'])) continue;
    for (const e of entry['messaging']) if (isObj(e)) events.push(...parseEvent(e));
  }
  return events;
}

function parseEvent(e: Obj): InboundEvent[] {
  const from = idOf(e['sender']);
  const occurredAt = typeof e['timestamp'] === 'number' ? new Date(e['timestamp']) : new Date();
  const message = e['message'];
  if (from !== undefined && isObj(message) && message['is_echo'] !== true) {
    const mid = str(message['mid']);
    const common = { ...(mid !== undefined ? { providerEventId: mid } : {}), from, occurredAt };
    const quick = isObj(message['quick_reply']) ? str(message['quick_reply']['payload']) : undefined;
    if (quick !== undefined) return [{ kind: 'postback', ...common, payload: quick }];
    const text = str(message['text']);
    const first = Array.isArray(message['attachments']) ? message['attachments'][0] : undefined;
    const contentType =
      text !== undefined ? 'text' : ((isObj(first) ? str(first['type']) : undefined) ?? 'other');
    return [{ kind: 'message', ...common, contentType, ...(text !== undefined ? { text } : {}) }];
  }
  const postback = e['postback'];
  if (from !== undefined && isObj(postback)) {
    const mid = str(postback['mid']);
    const providerEventId = mid ?? `postback:${from}:${String(e['timestamp'])}`;
    return [{ kind: 'postback', providerEventId, from, payload: str(postback['payload']) ?? '', occurredAt }];
  }
  const delivery = e['delivery'];
  if (from !== undefined && isObj(delivery)) return receipts(from, 'delivered', delivery, occurredAt);
  const read = e['read'];
  if (from !== undefined && isObj(read)) return receipts(from, 'read', read, occurredAt);
  const type =
    isObj(message) && message['is_echo'] === true
      ? 'message_echo'
      : (Object.keys(e).find((k) => !ENVELOPE_KEYS.has(k)) ?? 'unknown');
  return [{ kind: 'other', type, ...(from !== undefined ? { from } : {}), occurredAt }];
}

function receipts(from: string, status: 'delivered' | 'read', r: Obj, occurredAt: Date): InboundEvent[] {
  const out: InboundEvent[] = [];
  const mids = [...(Array.isArray(r['mids']) ? r['mids'] : []), r['mid']].filter(
    (m): m is string => typeof m === 'string' && m !== '',
  );
  for (const mid of mids) {
    out.push({
      kind: 'status',
      providerEventId: `${status}:${mid}`,
      providerMessageId: mid,
      status,
      occurredAt,
    });
  }
  const watermark = r['watermark'];
  if (typeof watermark === 'number' && Number.isFinite(watermark)) {
    out.push({
      kind: 'status_watermark',
      providerEventId: `${status}:${from}:${watermark}`,
      recipient: from,
      status,
      watermark: new Date(watermark),
      occurredAt,
    });
  }
  return out;
}
