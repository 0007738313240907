/** WhatsApp's samples for the connector conformance suite (test/conformance/connector.ts). */
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { WA_ERRORS } from '../../../src/channels/whatsapp/emulator/errors.ts';
import { whatsappValidators } from '../../../src/channels/whatsapp/emulator/index.ts';
import { messageWebhook } from '../../../src/channels/whatsapp/emulator/webhook.ts';
import { WHATSAPP_SANDBOX_CREDENTIALS } from '../../../src/channels/whatsapp/options.ts';
import { WHATSAPP_MESSAGES_PATH } from '../../../src/channels/whatsapp/render.ts';
import { isObj } from '../../../src/lib/json.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

const recipient = SANDBOX_RECIPIENTS['whatsapp']!;
const graph = (a: { status: number; body: unknown }) => answer(a.status, a.body);

export const whatsappSamples: ConnectorSamples = {
  recipient,
  spec: {
    name: 'Cloud API OpenAPI',
    problems({ body }) {
      // The same endpoint marks a message read (a sender action); the document has that shape apart.
      const validators = whatsappValidators();
      return isObj(body) && body['status'] === 'read' ? validators.markRead(body) : validators.message(body);
    },
  },
  answers: {
    success: {
      response: answer(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: '15550000001', wa_id: '15550000001' }],
        messages: [{ id: 'wamid.HBgLMTU1NTAwMDAwMDEVAgARGBI' }],
      }),
      outcome: { kind: 'sent', providerMessageId: 'wamid.HBgLMTU1NTAwMDAwMDEVAgARGBI' },
    },
    throttled: {
      response: graph(WA_ERRORS.pairRate()),
      outcome: { kind: 'rate_limited', code: 'whatsapp_131056', retryAfterMs: 6000 },
    },
    transient: {
      response: graph(WA_ERRORS.unknownError()),
      outcome: { kind: 'transient', code: 'whatsapp_131000' },
    },
    permanent: {
      response: graph(WA_ERRORS.reengagement()),
      outcome: { kind: 'permanent', code: 'whatsapp_reengagement_window' },
    },
  },
  inbound: {
    body: JSON.stringify(
      messageWebhook(WHATSAPP_SANDBOX_CREDENTIALS.phoneNumberId, { from: recipient(1), text: 'hello' }),
    ),
    sign: (raw, credentials) =>
      signedBy('x-hub-signature-256', signHubBody(raw, credentials['appSecret'] ?? '')),
    signsBody: true,
  },
  refused: {
    name: 'four reply buttons (WhatsApp takes three)',
    request: {
      method: 'POST',
      path: WHATSAPP_MESSAGES_PATH,
      body: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: recipient(2),
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick' },
          action: {
            buttons: [0, 1, 2, 3].map((i) => ({ type: 'reply', reply: { id: `id${i}`, title: `B${i}` } })),
          },
        },
      },
    },
  },
  receipts: true,
};
