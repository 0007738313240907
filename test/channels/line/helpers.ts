/**
 * A LINE emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request (authorize, JSON-encode, POST) so tests exercise the connector and the emulator
 * together without a socket.
 */
import type { FastifyInstance } from 'fastify';
import { lineConnector } from '../../../src/channels/line/index.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PREFIX = '/sandbox/line';
export const USER = `U${'4af4980629'.padEnd(32, '0')}`;

export const { buildSandbox, send } = emulatorHarness(lineConnector);

/** Posts an arbitrary body with the sandbox token, for probing what the emulator refuses. */
export async function post(
  app: FastifyInstance,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { message: string; details?: Array<{ message: string; property: string }> };
}> {
  const res = await app.inject({
    method: 'POST',
    url: PREFIX + path,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${lineConnector.sandboxCredentials['channelAccessToken']}`,
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}

export const push = (messages: unknown[], to = USER) => ({ to, messages });
