/**
 * Mounts every channel's strict provider emulator under /sandbox/<channel>. In the default mode
 * the gateway's connectors point at these, so a new user's first send really crosses HTTP to
 * something that validates it the way the provider would. `omnigate sandbox` runs them alone.
 *
 * Each emulator sits inside a scope whose hook applies chaos mode (./chaos.ts) to provider API
 * calls: the emulators themselves stay about being correct, and misbehave only from outside.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { ChannelConnector, FaultAnswer, SandboxRecorder } from '../channels/types.ts';
import { parseChaos, sandboxChaos } from './chaos.ts';

export interface SandboxHostOptions {
  connectors: ConnectorRegistry;
  recorder: SandboxRecorder;
  /** The gateway's inbound webhook URL of each channel's sandbox account, if known. */
  webhookUrls?: Record<string, string | undefined>;
  /** Chaos settings to start with (OMNIGATE_SANDBOX_CHAOS); none by default. */
  chaos?: string | undefined;
}

/** The wait hint a chaos throttle gives, in seconds: honoured, and short enough for tests. */
const CHAOS_RETRY_AFTER_S = 1;

export const sandboxHost: FastifyPluginAsync<SandboxHostOptions> = async (
  app,
  { connectors, recorder, webhookUrls, chaos },
) => {
  if (chaos) {
    const settings = parseChaos(chaos);
    if (typeof settings === 'string') throw new Error(`OMNIGATE_SANDBOX_CHAOS: ${settings}`);
    sandboxChaos.configure(settings);
  }

  for (const [name, connector] of Object.entries(connectors)) {
    const webhookUrl = webhookUrls?.[name];
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', chaosHook(connector, recorder));
        // A slow answer is slow on the way back: the provider has the request at once (and the
        // recorder's timestamps stay arrival times).
        scope.addHook('onSend', async (request, reply, payload) => {
          if (slowAnswers.has(request)) await new Promise((r) => setTimeout(r, sandboxChaos.current.slowMs));
          return spoilAnswer(request, reply, payload);
        });
        await scope.register(connector.sandbox, {
          credentials: connector.sandboxCredentials,
          recorder,
          ...(webhookUrl ? { webhookUrl } : {}),
        });
      },
      { prefix: `/sandbox/${name}` },
    );
  }

  app.get('/sandbox/_chaos', { schema: { hide: true } }, async () => ({
    settings: sandboxChaos.current,
    injected: sandboxChaos.injected,
  }));
  app.put(
    '/sandbox/_chaos',
    { schema: { hide: true, body: { type: 'object', properties: { settings: { type: 'string' } } } } },
    async (request, reply) => {
      const settings = parseChaos((request.body as { settings?: string }).settings ?? '');
      if (typeof settings === 'string') return reply.code(400).send({ message: settings });
      sandboxChaos.configure(settings);
      return { settings };
    },
  );
};

const slowAnswers = new WeakSet<FastifyRequest>();

/** Calls the emulator handles as usual (it records the message as taken), then answers badly. */
const spoiltAnswers = new WeakMap<FastifyRequest, 'garbled' | 'badGateway'>();

function spoilAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  const spoil = spoiltAnswers.get(request);
  if (spoil === 'badGateway') {
    reply.code(502).header('content-type', 'text/html');
    return '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
  }
  // Only a success is garbled: it is the answer a gateway must not mistake for a failure.
  if (
    spoil === 'garbled' &&
    reply.statusCode >= 200 &&
    reply.statusCode < 300 &&
    typeof payload === 'string'
  ) {
    return payload.slice(0, Math.floor(payload.length / 2));
  }
  return payload;
}

function chaosHook(connector: ChannelConnector, recorder: SandboxRecorder) {
  const faults = connector.sandboxFaults;
  const answerFor = (fault: 'throttle' | 'error'): FaultAnswer =>
    fault === 'throttle'
      ? (faults?.throttled(CHAOS_RETRY_AFTER_S) ?? { status: 429, body: {} })
      : (faults?.serverError() ?? { status: 500, body: {} });

  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Only provider API calls misbehave; the emulator's own /_requests and /_simulate do not.
    if (request.method !== 'POST' || request.url.includes('/_') || !sandboxChaos.enabled) return;
    const fault = sandboxChaos.apiFault();
    if (fault === undefined) return;
    if (fault === 'slow') {
      slowAnswers.add(request);
      return;
    }
    if (fault === 'garbled' || fault === 'badGateway') {
      spoiltAnswers.set(request, fault);
      return;
    }
    const at = new Date().toISOString();
    const path = request.url.replace(`/sandbox/${connector.name}`, '');
    if (fault === 'reset') {
      recorder.record(connector.name, {
        at,
        path,
        headers: {},
        body: 'chaos: connection reset',
        status: 0,
        response: null,
      });
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    const answer = answerFor(fault);
    recorder.record(connector.name, {
      at,
      path,
      headers: {},
      body: `chaos: ${fault}`,
      status: answer.status,
      response: answer.body,
    });
    return reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  };
}
