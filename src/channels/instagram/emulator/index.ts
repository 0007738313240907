/** Instagram's emulator: the shared Send API emulator (../../families/send-api/emulator) with Instagram's profile. */
import type { Emulator } from '../../../sandbox/types.ts';
import { sendApiFaults } from '../../families/send-api/emulator/faults.ts';
import { sendApiSandbox } from '../../families/send-api/emulator/index.ts';
import { INSTAGRAM_SANDBOX_CREDENTIALS } from '../options.ts';
import { INSTAGRAM_EMULATOR } from './profile.ts';

export const instagramEmulator: Emulator = {
  plugin: sendApiSandbox(INSTAGRAM_EMULATOR),
  faults: sendApiFaults,
  credentials: INSTAGRAM_SANDBOX_CREDENTIALS,
};
