/**
 * What the emulator posts to the gateway, shaped as WhatsApp's `whatsapp_business_account` webhooks
 * and signed the Meta way (X-Hub-Signature-256 over the exact bytes): receipts for what it accepted
 * (sent, delivered, read, or failed with WhatsApp's error) and the simulated person's messages.
 */
import { randomBytes } from 'node:crypto';
import type { Obj } from '../../../lib/json.ts';
import { postWebhook, type WebhookAnswer } from '../../../sandbox/post-webhook.ts';
import type { PlannedReceipt } from '../../../sandbox/receipts.ts';
import { HUB_SIGNATURE_HEADER, signHubBody } from '../../families/meta-graph/webhook.ts';

/** The sandbox business: its WhatsApp Business Account and display number. */
export const SANDBOX_WABA_ID = '102290129340398';
export const SANDBOX_DISPLAY_NUMBER = '15550783881';

export interface WebhookContext {
  url: string;
  appSecret: string;
  phoneNumberId: string;
}

export function newWamid(to: string): string {
  return `wamid.${Buffer.from(`${to}:${randomBytes(12).toString('hex').toUpperCase()}`).toString('base64')}`;
}

const seconds = (now: number) => String(Math.floor(now / 1000));

function envelope(phoneNumberId: string, value: Obj): Obj {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: SANDBOX_WABA_ID,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: SANDBOX_DISPLAY_NUMBER, phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';

export function statusWebhook(
  phoneNumberId: string,
  s: {
    id: string;
    recipient: string;
    status: ReceiptStatus;
    error?: { code: number; title: string; details: string };
  },
  now: number = Date.now(),
): Obj {
  const billed =
    s.status === 'sent' || s.status === 'delivered'
      ? {
          conversation: { id: `CONVERSATION_${s.recipient}`, origin: { type: 'service' } },
          pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
        }
      : {};
  const errors =
    s.error !== undefined
      ? {
          errors: [
            {
              code: s.error.code,
              title: s.error.title,
              message: s.error.title,
              error_data: { details: s.error.details },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        }
      : {};
  return envelope(phoneNumberId, {
    statuses: [
      {
        id: s.id,
        status: s.status,
        timestamp: seconds(now),
        recipient_id: s.recipient,
        ...billed,
        ...errors,
      },
    ],
  });
}

export type SimulatedInput =
  | { from: string; name?: string; text: string }
  | { from: string; name?: string; buttonReply: string; title?: string }
  | { from: string; name?: string; listReply: string; title?: string };

export function parseSimulateInput(body: unknown): SimulatedInput | string {
  if (typeof body !== 'object' || body === null)
    return 'The body must be {from, text}, {from, buttonReply} or {from, listReply}';
  const b = body as Obj;
  const from = b['from'];
  if (typeof from !== 'string' || !/^[1-9][0-9]{6,14}$/.test(from)) {
    return "'from' must be a WhatsApp id: digits in international format without '+'";
  }
  const name = typeof b['name'] === 'string' ? { name: b['name'] } : {};
  const title = typeof b['title'] === 'string' ? { title: b['title'] } : {};
  if (typeof b['text'] === 'string' && b['text'] !== '') return { from, ...name, text: b['text'] };
  if (typeof b['buttonReply'] === 'string' && b['buttonReply'] !== '')
    return { from, ...name, ...title, buttonReply: b['buttonReply'] };
  if (typeof b['listReply'] === 'string' && b['listReply'] !== '')
    return { from, ...name, ...title, listReply: b['listReply'] };
  return "Give a non-empty 'text', 'buttonReply' (a reply button id) or 'listReply' (a list row id)";
}

export function messageWebhook(phoneNumberId: string, input: SimulatedInput, now: number = Date.now()): Obj {
  const base = { from: input.from, id: newWamid(input.from), timestamp: seconds(now) };
  const message =
    'text' in input
      ? { ...base, type: 'text', text: { body: input.text } }
      : 'buttonReply' in input
        ? {
            ...base,
            type: 'interactive',
            interactive: {
              type: 'button_reply',
              button_reply: { id: input.buttonReply, title: input.title ?? input.buttonReply },
            },
          }
        : {
            ...base,
            type: 'interactive',
            interactive: {
              type: 'list_reply',
              list_reply: { id: input.listReply, title: input.title ?? input.listReply },
            },
          };
  return envelope(phoneNumberId, {
    contacts: [{ profile: { name: input.name ?? 'Sandbox User' }, wa_id: input.from }],
    messages: [message],
  });
}

/** Posts exactly the bytes it signed, as Meta does. */
export function postSigned(ctx: WebhookContext, body: Obj): Promise<WebhookAnswer> {
  const raw = JSON.stringify(body);
  return postWebhook(ctx.url, raw, {
    'user-agent': 'facebookexternalua',
    [HUB_SIGNATURE_HEADER]: signHubBody(raw, ctx.appSecret),
  });
}

/** When each receipt of an accepted message follows the send, in milliseconds. */
export const RECEIPT_DELAYS_MS = { sent: 10, delivered: 40, read: 120, failed: 40 } as const;

/**
 * The receipts WhatsApp would send for an accepted message, a short while after the send: sent,
 * delivered and read, or sent and failed with WhatsApp's error.
 */
export function receiptPlan(
  ctx: WebhookContext,
  id: string,
  recipient: string,
  failure?: { code: number; title: string; details: string },
): PlannedReceipt[] {
  const plan: ReceiptStatus[] = failure !== undefined ? ['sent', 'failed'] : ['sent', 'delivered', 'read'];
  return plan.map((status) => ({
    afterMs: RECEIPT_DELAYS_MS[status],
    post: () =>
      postSigned(
        ctx,
        statusWebhook(ctx.phoneNumberId, {
          id,
          recipient,
          status,
          ...(status === 'failed' && failure !== undefined ? { error: failure } : {}),
        }),
      ),
  }));
}
