/** Messenger's emulator: the shared Send API emulator (../../families/send-api/emulator) with Messenger's profile. */
import type { Emulator } from '../../../sandbox/types.ts';
import { sendApiFaults } from '../../families/send-api/emulator/faults.ts';
import { sendApiSandbox } from '../../families/send-api/emulator/index.ts';
import { MESSENGER_SANDBOX_CREDENTIALS } from '../options.ts';
import { MESSENGER_EMULATOR } from './profile.ts';

export const messengerEmulator: Emulator = {
  plugin: sendApiSandbox(MESSENGER_EMULATOR),
  faults: sendApiFaults,
  credentials: MESSENGER_SANDBOX_CREDENTIALS,
};
