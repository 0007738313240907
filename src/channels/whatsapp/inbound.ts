/**
 * WhatsApp webhooks: `X-Hub-Signature-256` (meta-graph/webhook.ts) over the raw body, and the
 * `whatsapp_business_account` change values normalised: `messages[]` become messages or postbacks,
 * `statuses[]` become receipts (delivered / read / failed move the message status forward).
 */

import type { Credentials, InboundEvent, InboundRequest } from '../../core/vocabulary/channel.ts';
import { isObj, type Obj, str } from '../../lib/json.ts';
import { verifyHubSignature } from '../families/meta-graph/webhook.ts';

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export function verifyWhatsAppSignature(request: InboundRequest, credentials: Credentials): boolean {
  return verifyHubSignature(request, credentials['appSecret']);
}

export function parseWhatsAppWebhook(body: unknown): InboundEvent[] {
  if (!isObj(body) || body['object'] !== 'whatsapp_business_account') return [];
  const events: InboundEvent[] = [];
  for (const entry of list(body['entry'])) {
    for (const change of list(entry['changes'])) {
      const value = change['value'];
      if (change['field'] !== 'messages' || !isObj(value)) continue;
      for (const m of list(value['messages'])) events.push(messageEvent(m));
      for (const s of list(value['statuses'])) events.push(statusEvent(s));
    }
  }
  return events;
}

/** WhatsApp timestamps are Unix seconds as strings. */
function occurredAt(v: unknown): Date {
  const seconds = typeof v === 'string' || typeof v === 'number' ? Number(v) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date();
}

function messageEvent(m: Obj): InboundEvent {
  const type = str(m['type']) ?? 'unknown';
  const from = str(m['from']) ?? '';
  const id = str(m['id']);
  const common = {
    ...(id !== undefined ? { providerEventId: id } : {}),
    occurredAt: occurredAt(m['timestamp']),
  };
  const postback = postbackPayload(m, type);
  if (postback !== undefined) return { kind: 'postback', from, payload: postback, ...common };
  if (from === '') return { kind: 'other', type: `message_${type}`, ...common };
  const text = messageText(m, type);
  return { kind: 'message', from, contentType: type, ...(text !== undefined ? { text } : {}), ...common };
}

/** Reply-button and list taps carry our id; a template quick-reply tap carries its payload. */
function postbackPayload(m: Obj, type: string): string | undefined {
  if (type === 'interactive' && isObj(m['interactive'])) {
    const i = m['interactive'];
    const reply =
      i['type'] === 'button_reply'
        ? i['button_reply']
        : i['type'] === 'list_reply'
          ? i['list_reply']
          : undefined;
    return isObj(reply) ? str(reply['id']) : undefined;
  }
  if (type === 'button' && isObj(m['button'])) return str(m['button']['payload']);
  return undefined;
}

function messageText(m: Obj, type: string): string | undefined {
  const content = m[type];
  if (!isObj(content)) return undefined;
  if (type === 'text') return str(content['body']);
  // Media arrive with an optional caption, which is the person's words.
  return str(content['caption']);
}

function statusEvent(s: Obj): InboundEvent {
  const id = str(s['id']) ?? '';
  const status = str(s['status']) ?? 'unknown';
  const at = occurredAt(s['timestamp']);
  // One message has one receipt per status; the pair names this event for de-duplication.
  const providerEventId = `${id}:${status}`;
  if ((status === 'delivered' || status === 'read' || status === 'failed') && id !== '') {
    const reason = status === 'failed' ? failureReason(s['errors']) : undefined;
    return {
      kind: 'status',
      providerEventId,
      providerMessageId: id,
      status,
      ...(reason !== undefined ? { reason } : {}),
      occurredAt: at,
    };
  }
  const recipient = str(s['recipient_id']);
  return {
    kind: 'other',
    providerEventId,
    type: `status_${status}`,
    ...(recipient ? { from: recipient } : {}),
    occurredAt: at,
  };
}

/** `(#131026) Message undeliverable: <details>` from the first error of a failed status. */
function failureReason(errors: unknown): string | undefined {
  const e = list(errors)[0];
  if (e === undefined) return undefined;
  const code = typeof e['code'] === 'number' ? `(#${e['code']}) ` : '';
  const title = str(e['title']) ?? str(e['message']) ?? 'failed';
  const data = e['error_data'];
  const details = isObj(data) ? str(data['details']) : undefined;
  return `${code}${title}${details !== undefined && details !== title ? `: ${details}` : ''}`;
}
