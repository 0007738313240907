/**
 * Messenger retired its airline templates: the emulator refuses each with a (#100) error naming it
 * deprecated, as Meta refuses a retired template, so a send of one fails like it would for real.
 * Instagram never had them: there they are only a template_type it does not know.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instagramConnector } from '../../../src/channels/instagram/index.ts';
import { messengerConnector } from '../../../src/channels/messenger/index.ts';
import { instagram, messenger, PSID, post } from './helpers.ts';

let fb: FastifyInstance;
let ig: FastifyInstance;
beforeAll(async () => {
  ({ app: fb } = await messenger.buildSandbox());
  ({ app: ig } = await instagram.buildSandbox());
});
afterAll(async () => {
  await fb.close();
  await ig.close();
});

const airline = (templateType: string) => ({
  recipient: { id: PSID },
  messaging_type: 'UPDATE',
  message: {
    attachment: {
      type: 'template',
      payload: { template_type: templateType, intro_message: 'Check-in is available now.', locale: 'en_US' },
    },
  },
});

describe('retired Messenger templates', () => {
  const names: Record<string, string> = {
    airline_itinerary: 'Airline itinerary',
    airline_checkin: 'Airline check-in',
    airline_boardingpass: 'Airline boarding pass',
    airline_update: 'Airline flight update',
  };
  for (const [templateType, name] of Object.entries(names)) {
    it(`${templateType}: (#100) ${name} template … is deprecated`, async () => {
      const res = await post(
        fb,
        messenger.prefix,
        airline(templateType),
        messengerConnector.sandboxCredentials['pageAccessToken'],
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 100,
        type: 'OAuthException',
        message: `(#100) ${name} template on Messenger Platform is deprecated.`,
      });
    });
  }

  it('the templates Messenger still has are not touched', async () => {
    const generic = {
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: {
        attachment: {
          type: 'template',
          payload: { template_type: 'generic', elements: [{ title: 'Shirt', subtitle: 'Soft cotton' }] },
        },
      },
    };
    const res = await post(
      fb,
      messenger.prefix,
      generic,
      messengerConnector.sandboxCredentials['pageAccessToken'],
    );
    expect(res.status).toBe(200);
  });

  it('Instagram refuses an airline template as an unknown template_type, not as deprecated', async () => {
    const token = instagramConnector.sandboxCredentials['accessToken'];
    const res = await post(ig, instagram.prefix, airline('airline_checkin'), token);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).not.toMatch(/deprecated/);
  });
});
