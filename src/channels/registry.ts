/**
 * Every channel Omnigate speaks, by name: its connector and, beside it, its emulator. Adding a
 * channel is one folder and one line here.
 */

import type { ChannelConnector } from '../core/ports/channel.ts';
import type { Emulator, EmulatorRegistry } from '../sandbox/types.ts';
import { instagramConnector, instagramEmulator } from './instagram/index.ts';
import { lineConnector, lineEmulator } from './line/index.ts';
import { messengerConnector, messengerEmulator } from './messenger/index.ts';
import { telegramConnector, telegramEmulator } from './telegram/index.ts';
import { viberConnector, viberEmulator } from './viber/index.ts';
import { wechatConnector, wechatEmulator } from './wechat/index.ts';
import { whatsappConnector, whatsappEmulator } from './whatsapp/index.ts';

const CHANNELS: Readonly<Record<string, { channel: ChannelConnector; emulator: Emulator }>> = {
  line: { channel: lineConnector, emulator: lineEmulator },
  messenger: { channel: messengerConnector, emulator: messengerEmulator },
  instagram: { channel: instagramConnector, emulator: instagramEmulator },
  telegram: { channel: telegramConnector, emulator: telegramEmulator },
  viber: { channel: viberConnector, emulator: viberEmulator },
  wechat: { channel: wechatConnector, emulator: wechatEmulator },
  whatsapp: { channel: whatsappConnector, emulator: whatsappEmulator },
};

const each = <T>(part: (entry: (typeof CHANNELS)[string]) => T) =>
  Object.fromEntries(Object.entries(CHANNELS).map(([name, entry]) => [name, part(entry)]));

export const CONNECTORS: Readonly<Record<string, ChannelConnector>> = each((e) => e.channel);

/** What the sandbox host mounts (src/sandbox/host.ts); production never reads it. */
export const EMULATORS: EmulatorRegistry = each((e) => e.emulator);

export const CHANNEL_NAMES = Object.keys(CONNECTORS);

export type { ConnectorRegistry } from '../core/ports/channel.ts';
