/**
 * The Messenger and Instagram emulators in bare Fastify apps, and a raw `post` for probing what
 * they refuse.
 */
import type { FastifyInstance } from 'fastify';
import { instagramConnector, instagramEmulator } from '../../../src/channels/instagram/index.ts';
import { messengerConnector, messengerEmulator } from '../../../src/channels/messenger/index.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PSID = '1254477777772919';
export const messenger = emulatorHarness(messengerConnector, messengerEmulator);
export const instagram = emulatorHarness(instagramConnector, instagramEmulator);

export interface GraphAnswer {
  status: number;
  body: {
    recipient_id?: string;
    message_id?: string;
    error?: { code: number; error_subcode?: number; message: string; type: string };
  };
  headers: Record<string, unknown>;
}

export async function post(
  app: FastifyInstance,
  prefix: string,
  body: unknown,
  token: string | undefined,
  path = '/v21.0/me/messages',
): Promise<GraphAnswer> {
  const res = await app.inject({
    method: 'POST',
    url: prefix + path,
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
