/**
 * Every channel Omnigate speaks, by name. Adding a channel is one folder and one line here.
 */
import { lineConnector } from './line/index.ts';
import { telegramConnector } from './telegram/index.ts';
import type { ChannelConnector } from './types.ts';
import { wechatConnector } from './wechat/index.ts';

export const CONNECTORS: Readonly<Record<string, ChannelConnector>> = {
  line: lineConnector,
  telegram: telegramConnector,
  wechat: wechatConnector,
};

export const CHANNEL_NAMES = Object.keys(CONNECTORS);

export type ConnectorRegistry = Readonly<Record<string, ChannelConnector>>;
