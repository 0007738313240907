/** LINE's samples for the connector conformance suite (test/conformance/connector.ts). */
import { lineEmulator, lineValidators } from '../../../src/channels/line/emulator/index.ts';
import { LineSandboxState } from '../../../src/channels/line/emulator/state.ts';
import { buildWebhook } from '../../../src/channels/line/emulator/webhook.ts';
import { LINE_PATHS, signLineBody } from '../../../src/channels/line/provider/api.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

const { channelAccessToken, channelSecret } = lineEmulator.credentials as Record<string, string>;
const recipient = SANDBOX_RECIPIENTS['line']!;

const VALIDATOR = {
  [LINE_PATHS.push]: 'push',
  [LINE_PATHS.reply]: 'reply',
  [LINE_PATHS.loading]: 'loading',
} as const;

export const lineSamples: ConnectorSamples = {
  recipient,
  spec: {
    name: 'LINE Messaging API OpenAPI',
    problems({ path, body }) {
      const endpoint = VALIDATOR[path as keyof typeof VALIDATOR];
      if (endpoint === undefined) return [`no LINE endpoint at ${path}`];
      return lineValidators()
        [endpoint](body)
        .map((d) => `${d.property}: ${d.message}`);
    },
  },
  answers: {
    success: {
      response: answer(200, { sentMessages: [{ id: '461230966842064897', quoteToken: 'q' }] }),
      outcome: { kind: 'sent', providerMessageId: '461230966842064897' },
    },
    throttled: {
      response: answer(429, { message: 'Too many requests' }, { 'retry-after': '3' }),
      outcome: { kind: 'rate_limited', retryAfterMs: 3000 },
    },
    transient: {
      response: answer(500, { message: 'Internal server error' }),
      outcome: { kind: 'transient', code: 'line_server_error' },
    },
    permanent: {
      response: answer(400, {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'May not be empty', property: 'messages[0].text' }],
      }),
      outcome: { kind: 'permanent', code: 'line_bad_request' },
    },
  },
  inbound: {
    body: JSON.stringify(
      buildWebhook(
        { from: recipient(1), text: 'hello' },
        new LineSandboxState(channelSecret!),
        channelAccessToken!,
      ).body,
    ),
    sign: (raw, credentials) =>
      signedBy('x-line-signature', signLineBody(raw, credentials['channelSecret'] ?? '')),
    signsBody: true,
  },
  refused: {
    name: 'a message with a property LINE does not document',
    request: {
      method: 'POST',
      path: LINE_PATHS.push,
      body: { to: recipient(2), messages: [{ type: 'text', text: 'hi', colour: 'red' }] },
    },
  },
  receipts: false,
};
