/** The Echo fixture channel's samples for the connector conformance suite (test/conformance/connector.ts). */
import { echoFaults } from '../../fixtures/channels/echo/emulator/index.ts';
import { ECHO_SEND_PATH, SIGNATURE_HEADER, signEchoBody } from '../../fixtures/channels/echo/provider.ts';
import { kindVariants } from '../../fixtures/kind-variants.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

const recipient = (n: number) => `echo:user${n}`;
const fault = (a: { status: number; headers?: Record<string, string>; body: unknown }) =>
  answer(a.status, a.body, a.headers);

export const echoSamples: ConnectorSamples = {
  recipient,
  variants: (kind) =>
    kind === 'raw'
      ? [{ name: 'raw', message: { type: 'raw', payload: { kind: 'text', text: 'raw payload' } } }]
      : kindVariants(kind, 'echo'),
  answers: {
    success: { response: answer(200, { id: 'em_1' }), outcome: { kind: 'sent', providerMessageId: 'em_1' } },
    throttled: {
      response: fault(echoFaults.throttled(2)),
      outcome: { kind: 'rate_limited', code: 'echo_throttled', retryAfterMs: 2000 },
    },
    transient: {
      response: fault(echoFaults.serverError()),
      outcome: { kind: 'transient', code: 'echo_internal' },
    },
    permanent: {
      response: answer(400, {
        error: { code: 'text_length', message: 'content.text must be 1-1000 characters' },
      }),
      outcome: { kind: 'permanent', code: 'echo_text_length' },
    },
  },
  inbound: {
    body: JSON.stringify({
      events: [{ id: 'ev_1', type: 'delivered', messageId: 'em_1', at: 1_700_000_000_000 }],
    }),
    sign: (raw, credentials) =>
      signedBy(SIGNATURE_HEADER, signEchoBody(raw, credentials['signingSecret'] ?? '')),
    signsBody: true,
  },
  refused: {
    name: 'a content field Echo does not document',
    request: {
      method: 'POST',
      path: ECHO_SEND_PATH,
      body: { to: recipient(2), content: { kind: 'text', text: 'hi', colour: 'red' } },
    },
  },
  receipts: true,
};
