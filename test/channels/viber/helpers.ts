/**
 * A Viber emulator in a bare Fastify app, a `send` that does what the dispatcher does with a
 * rendered request, and a `post` for probing what the emulator refuses.
 */
import type { FastifyInstance } from 'fastify';
import { VIBER_SANDBOX_RECEIVERS } from '../../../src/channels/viber/emulator/receivers.ts';
import { viberConnector, viberEmulator } from '../../../src/channels/viber/index.ts';
import type { RenderResult } from '../../../src/core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const viber = viberConnector;
export const R = VIBER_SANDBOX_RECEIVERS;
export const TOKEN = viberConnector.sandboxCredentials['authToken'] ?? '';
export const { buildSandbox, send, prefix } = emulatorHarness(viberConnector, viberEmulator);

export const render = (
  message: CanonicalMessage,
  options?: Record<string, unknown>,
  to: string = R.user,
): RenderResult => viberConnector.render(message, { to, retryKey: '', ...(options ? { options } : {}) });

export type Body = Record<string, unknown>;
export const bodyOf = (r: RenderResult): Body => r.request.body as Body;
export const rules = (r: RenderResult): string[] => r.degradations.map((d) => d.rule);

/** Posts a body to send_message; `token: ''` sends no auth header at all. */
export async function post(
  app: FastifyInstance,
  body: unknown,
  token: string = TOKEN,
): Promise<{ http: number; body: { status: number; status_message: string; message_token?: number } }> {
  const res = await app.inject({
    method: 'POST',
    url: `${prefix}/pa/send_message`,
    headers: { 'content-type': 'application/json', ...(token !== '' ? { 'x-viber-auth-token': token } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { http: res.statusCode, body: res.json() };
}

/** The least a send_message body needs, for emulator probes. */
export const base = { receiver: R.user, sender: { name: 'Bot' } };
