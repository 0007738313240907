/** Viber's samples for the connector conformance suite (test/conformance/connector.ts). */
import { viberFaults } from '../../../src/channels/viber/emulator/faults.ts';
import { SIGNATURE_HEADER, signViberBody, VIBER_SEND_PATH } from '../../../src/channels/viber/provider.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

const recipient = SANDBOX_RECIPIENTS['viber']!;
const fault = (a: { status: number; body: unknown }) => answer(a.status, a.body);
// Viber writes its 64-bit message token as a bare number, which JSON.parse would round.
const SENT =
  '{"status":0,"status_message":"ok","message_token":5741311803571721087,"chat_hostname":"SN-CHAT-05_"}';
const card = { Columns: 6, Rows: 7, ActionType: 'none', ActionBody: 'none' };

export const viberSamples: ConnectorSamples = {
  recipient,
  answers: {
    success: {
      response: { status: 200, headers: {}, body: JSON.parse(SENT), rawBody: SENT },
      outcome: { kind: 'sent', providerMessageId: '5741311803571721087' },
    },
    // Status 12 over HTTP 200, with no wait: Viber gives none.
    throttled: { response: fault(viberFaults.throttled(1)), outcome: { kind: 'rate_limited' } },
    transient: { response: fault(viberFaults.serverError()), outcome: { kind: 'transient' } },
    permanent: {
      response: answer(200, { status: 6, status_message: 'receiverNotSubscribed' }),
      outcome: { kind: 'permanent', code: 'viber_receiverNotSubscribed' },
    },
  },
  inbound: {
    body: `{"event":"delivered","timestamp":1700000000000,"message_token":4912661846655238145,"user_id":"${recipient(1)}"}`,
    sign: (raw, credentials) =>
      signedBy(SIGNATURE_HEADER, signViberBody(raw, credentials['authToken'] ?? '')),
    signsBody: true,
  },
  refused: {
    name: 'a rich media carousel of 7 cards (Viber takes 6)',
    request: {
      method: 'POST',
      path: VIBER_SEND_PATH,
      body: {
        receiver: recipient(2),
        min_api_version: 2,
        type: 'rich_media',
        rich_media: {
          Type: 'rich_media',
          ButtonsGroupColumns: 6,
          ButtonsGroupRows: 7,
          BgColor: '#FFFFFF',
          Buttons: Array(7).fill(card),
        },
      },
    },
  },
  receipts: true,
};
