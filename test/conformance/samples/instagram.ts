/** Instagram's samples for the connector conformance suite (test/conformance/connector.ts). */
import { INSTAGRAM_EMULATOR } from '../../../src/channels/instagram/emulator/profile.ts';
import { sendApiSamples } from './send-api.ts';

export const instagramSamples = sendApiSamples('instagram', INSTAGRAM_EMULATOR, (to) => ({
  name: 'a phone_number button (Instagram has none)',
  body: {
    recipient: { id: to },
    message: {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'x',
          buttons: [{ type: 'phone_number', title: 'Call', payload: '+6621234567' }],
        },
      },
    },
  },
}));
