/**
 * A WhatsApp emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request, so tests exercise the connector and the emulator together without a socket.
 */
import type { FastifyInstance } from 'fastify';
import { whatsappConnector, whatsappEmulator } from '../../../src/channels/whatsapp/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PREFIX = '/sandbox/whatsapp';
export const USER = '16505551234';
export const CREDS = whatsappConnector.sandboxCredentials;
export const MESSAGES_PATH = `/v23.0/${CREDS['phoneNumberId']}/messages`;

export const { buildSandbox, send } = emulatorHarness(whatsappConnector, whatsappEmulator);

export interface GraphAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep answer fields freely.
  body: any;
}

/** Posts an arbitrary body with the sandbox token, for probing what the emulator refuses. */
export async function post(
  app: FastifyInstance,
  body: unknown,
  { path = MESSAGES_PATH, headers = {} }: { path?: string; headers?: Record<string, string> } = {},
): Promise<GraphAnswer> {
  const res = await app.inject({
    method: 'POST',
    url: PREFIX + path,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${CREDS['accessToken']}`,
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}

/** A canonical message rendered for USER, as the dispatcher would send it. */
export function rendered(message: CanonicalMessage, options?: Record<string, unknown>) {
  return whatsappConnector.render(message, { to: USER, retryKey: 'k', ...(options ? { options } : {}) });
}

export const envelope = (type: string, content: unknown, to = USER) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type,
  [type]: content,
});
