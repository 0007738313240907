/**
 * A LINE emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request (authorize, JSON-encode, POST) so tests exercise the connector and the emulator
 * together without a socket.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { lineConnector } from '../../../src/channels/line/index.ts';
import type {
  ProviderRequest,
  ProviderResponse,
  RecordedRequest,
  SandboxRecorder,
} from '../../../src/channels/types.ts';

export const PREFIX = '/sandbox/line';
export const USER = `U${'4af4980629'.padEnd(32, '0')}`;

export function memoryRecorder(): SandboxRecorder & { entries: RecordedRequest[] } {
  const entries: RecordedRequest[] = [];
  return {
    entries,
    record(channel, entry) {
      if (channel === 'line') entries.push(entry);
    },
    list(_channel, filter) {
      if (!filter?.to) return entries;
      return entries.filter((e) => (e.body as { to?: unknown } | undefined)?.to === filter.to);
    },
  };
}

export async function buildSandbox(webhookUrl?: string) {
  const recorder = memoryRecorder();
  const app: FastifyInstance = Fastify();
  await app.register(lineConnector.sandbox, {
    prefix: PREFIX,
    credentials: lineConnector.sandboxCredentials,
    recorder,
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
  });
  await app.ready();
  return { app, recorder };
}

export async function send(
  app: FastifyInstance,
  request: ProviderRequest,
  credentials = lineConnector.sandboxCredentials,
): Promise<ProviderResponse> {
  const { path, headers } = lineConnector.authorize(request, credentials);
  const res = await app.inject({
    method: 'POST',
    url: PREFIX + path,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(request.body),
  });
  const responseHeaders: ProviderResponse['headers'] = {};
  for (const [key, value] of Object.entries(res.headers)) {
    responseHeaders[key] = typeof value === 'number' ? String(value) : value;
  }
  return { status: res.statusCode, headers: responseHeaders, body: res.body === '' ? undefined : res.json() };
}

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
