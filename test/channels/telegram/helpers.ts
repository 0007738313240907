/**
 * A Telegram emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request (authorize, JSON-encode, POST), so tests exercise connector and emulator
 * together without a socket.
 */
import type { FastifyInstance } from 'fastify';
import { telegramConnector, telegramEmulator } from '../../../src/channels/telegram/index.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PREFIX = '/sandbox/telegram';
export const CHAT = '123456789';
export const TOKEN = telegramConnector.sandboxCredentials['botToken']!;

export const { buildSandbox, send } = emulatorHarness(telegramConnector, telegramEmulator);

export interface TelegramBody {
  ok: boolean;
  error_code?: number;
  description?: string;
  result?: unknown;
}

/** Calls a method with the sandbox token and an arbitrary JSON body, for probing what the emulator refuses. */
export async function call(
  app: FastifyInstance,
  method: string,
  body: unknown,
  token = TOKEN,
): Promise<{ status: number; body: TelegramBody }> {
  const res = await app.inject({
    method: 'POST',
    url: `${PREFIX}/bot${token}/${method}`,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}
