/**
 * Samples of the two channels on Meta's Send API (Messenger, Instagram) for the connector
 * conformance suite: the same envelope, error body and webhook, each with its own profile.
 */

import { graphErrorBody } from '../../../src/channels/families/meta-graph/errors.ts';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import type { EmulatorProfile } from '../../../src/channels/families/send-api/emulator/profile.ts';
import { simulatedEvent, webhookBody } from '../../../src/channels/families/send-api/emulator/webhook.ts';
import { SEND_PATH } from '../../../src/channels/families/send-api/render.ts';
import type { ProviderRequest } from '../../../src/core/vocabulary/channel.ts';
import { SANDBOX_RECIPIENTS } from '../../../src/sandbox/sample-recipients.ts';
import type { ConnectorSamples } from '../connector.ts';
import { answer, signedBy } from './answers.ts';

export function sendApiSamples(
  channel: 'messenger' | 'instagram',
  profile: EmulatorProfile,
  refused: (to: string) => { name: string; body: unknown },
): ConnectorSamples {
  const recipient = SANDBOX_RECIPIENTS[channel]!;
  const usage = JSON.stringify({ '123': [{ type: 'messenger', estimated_time_to_regain_access: 2 }] });
  const { name, body } = refused(recipient(2));
  const request: ProviderRequest = { method: 'POST', path: SEND_PATH, body };
  return {
    recipient,
    answers: {
      success: {
        response: answer(200, { recipient_id: recipient(1), message_id: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM' }),
        outcome: { kind: 'sent', providerMessageId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM' },
      },
      throttled: {
        // Meta says how long to wait in the usage header, in minutes.
        response: answer(400, graphErrorBody(613, 'Calls to this api have exceeded the rate limit.'), {
          'x-business-use-case-usage': usage,
        }),
        outcome: { kind: 'rate_limited', code: `${channel}_613`, retryAfterMs: 120_000 },
      },
      transient: {
        response: answer(500, graphErrorBody(1200, '(#1200) Temporary send message failure')),
        outcome: { kind: 'transient', code: `${channel}_1200` },
      },
      permanent: {
        response: answer(400, graphErrorBody(551, "(#551) This person isn't available right now.")),
        outcome: { kind: 'permanent', code: `${channel}_551` },
      },
    },
    inbound: {
      body: JSON.stringify(
        webhookBody(profile, [simulatedEvent(profile, { from: recipient(1), text: 'hello' })]),
      ),
      sign: (raw, credentials) =>
        signedBy('x-hub-signature-256', signHubBody(raw, credentials['appSecret'] ?? '')),
      signsBody: true,
    },
    refused: { name, request },
    receipts: true,
  };
}
