/**
 * Every channel Omnigate speaks, by name. Adding a channel is one folder and one line here.
 */

import type { ChannelConnector } from '../core/ports/channel.ts';
import { instagramConnector } from './instagram/index.ts';
import { lineConnector } from './line/index.ts';
import { messengerConnector } from './messenger/index.ts';
import { telegramConnector } from './telegram/index.ts';
import { viberConnector } from './viber/index.ts';
import { wechatConnector } from './wechat/index.ts';
import { whatsappConnector } from './whatsapp/index.ts';

export const CONNECTORS: Readonly<Record<string, ChannelConnector>> = {
  line: lineConnector,
  messenger: messengerConnector,
  instagram: instagramConnector,
  telegram: telegramConnector,
  viber: viberConnector,
  wechat: wechatConnector,
  whatsapp: whatsappConnector,
};

export const CHANNEL_NAMES = Object.keys(CONNECTORS);

export type { ConnectorRegistry } from '../core/ports/channel.ts';
