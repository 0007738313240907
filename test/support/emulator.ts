/**
 * A channel's emulator in a bare Fastify app, and a `send` that does what the dispatcher does with
 * a rendered request (authorize, JSON-encode, POST), so channel tests exercise connector and
 * emulator together without a socket.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ChannelConnector } from '../../src/core/ports/channel.ts';
import type { ProviderRequest, ProviderResponse } from '../../src/core/vocabulary/channel.ts';
import { MemoryRecorder } from '../../src/sandbox/recorder.ts';
import type { Emulator, RecordedRequest } from '../../src/sandbox/types.ts';

export function emulatorHarness(connector: ChannelConnector, emulator: Emulator) {
  const prefix = `/sandbox/${connector.name}`;

  /** The emulator; `credentials` stand in for the sandbox account's (an account set up otherwise). */
  async function buildSandbox(webhookUrl?: string, credentials = emulator.credentials) {
    const memory = new MemoryRecorder();
    const recorder = {
      record: (channel: string, entry: RecordedRequest) => memory.record(channel, entry),
      list: (channel: string, filter?: { to?: string }) => memory.list(channel, filter),
      /** Everything this emulator answered, oldest first. */
      get entries(): RecordedRequest[] {
        return memory.list(connector.name);
      },
    };
    const app: FastifyInstance = Fastify();
    await app.register(emulator.plugin, {
      prefix,
      credentials,
      recorder,
      ...(webhookUrl !== undefined ? { webhookUrl } : {}),
    });
    await app.ready();
    return { app, recorder };
  }

  async function send(
    app: FastifyInstance,
    request: ProviderRequest,
    credentials = connector.sandboxCredentials,
  ): Promise<ProviderResponse> {
    const { path, headers, body } = connector.authorize(request, credentials);
    const res = await app.inject({
      method: 'POST',
      url: prefix + path,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body ?? request.body),
    });
    const responseHeaders: ProviderResponse['headers'] = {};
    for (const [key, value] of Object.entries(res.headers)) {
      responseHeaders[key] = typeof value === 'number' ? String(value) : value;
    }
    return {
      status: res.statusCode,
      headers: responseHeaders,
      body: res.body === '' ? undefined : res.json(),
      rawBody: res.body,
    };
  }

  return { prefix, buildSandbox, send };
}
