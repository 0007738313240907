/**
 * A Telegram emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request (authorize, JSON-encode, POST), so tests exercise connector and emulator
 * together without a socket.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type {
  ProviderRequest,
  ProviderResponse,
  RecordedRequest,
  SandboxRecorder,
} from '../../../src/channels/types.ts';

export const PREFIX = '/sandbox/telegram';
export const CHAT = '123456789';
export const TOKEN = telegramConnector.sandboxCredentials['botToken']!;

export function memoryRecorder(): SandboxRecorder & { entries: RecordedRequest[] } {
  const entries: RecordedRequest[] = [];
  return {
    entries,
    record(channel, entry) {
      if (channel === 'telegram') entries.push(entry);
    },
    list(_channel, filter) {
      if (!filter?.to) return entries;
      return entries.filter(
        (e) => String((e.body as { chat_id?: unknown } | undefined)?.chat_id) === filter.to,
      );
    },
  };
}

export async function buildSandbox(webhookUrl?: string) {
  const recorder = memoryRecorder();
  const app: FastifyInstance = Fastify();
  await app.register(telegramConnector.sandbox, {
    prefix: PREFIX,
    credentials: telegramConnector.sandboxCredentials,
    recorder,
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
  });
  await app.ready();
  return { app, recorder };
}

export async function send(
  app: FastifyInstance,
  request: ProviderRequest,
  credentials = telegramConnector.sandboxCredentials,
): Promise<ProviderResponse> {
  const { path, headers } = telegramConnector.authorize(request, credentials);
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
