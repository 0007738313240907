/**
 * Each channel's samples for the connector conformance suite, by registry name. A channel added to
 * src/channels/registry.ts adds its samples here (test/conformance/connectors.test.ts fails until
 * it does).
 */
import type { ConnectorSamples } from '../connector.ts';
import { instagramSamples } from './instagram.ts';
import { lineSamples } from './line.ts';
import { messengerSamples } from './messenger.ts';
import { telegramSamples } from './telegram.ts';
import { viberSamples } from './viber.ts';
import { wechatSamples } from './wechat.ts';
import { whatsappSamples } from './whatsapp.ts';

export const CHANNEL_SAMPLES: Readonly<Record<string, ConnectorSamples>> = {
  line: lineSamples,
  messenger: messengerSamples,
  instagram: instagramSamples,
  telegram: telegramSamples,
  viber: viberSamples,
  wechat: wechatSamples,
  whatsapp: whatsappSamples,
};

export { echoSamples } from './echo.ts';
