/** Messenger's samples for the connector conformance suite (test/conformance/connector.ts). */
import { MESSENGER_EMULATOR } from '../../../src/channels/messenger/emulator/profile.ts';
import { sendApiSamples } from './send-api.ts';

export const messengerSamples = sendApiSamples('messenger', MESSENGER_EMULATOR, (to) => ({
  name: '14 quick replies (Messenger takes 13)',
  body: {
    recipient: { id: to },
    messaging_type: 'RESPONSE',
    message: {
      text: 'Pick',
      quick_replies: Array.from({ length: 14 }, (_, i) => ({
        content_type: 'text',
        title: 'ok',
        payload: `P${i}`,
      })),
    },
  },
}));
