/**
 * Mounts every channel's strict provider emulator under /sandbox/<channel>. In the default mode
 * the gateway's connectors point at these, so a new user's first send really crosses HTTP to
 * something that validates it the way the provider would. `omnigate sandbox` runs them alone.
 *
 * Each emulator sits inside a scope whose hook applies chaos mode (./chaos.ts) to provider API
 * calls: the emulators themselves stay about being correct, and misbehave only from outside.
 *
 * The sandbox's own endpoints (`/_requests`, `/_simulate/...`, `/sandbox/_chaos`) answer a tenant,
 * by its API key, about its own accounts only (./access.ts). Run alone there are no tenants, and
 * they are open.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ProbeMedia } from '../lib/media-probe.ts';
import { redactSecrets } from '../lib/redact-secrets.ts';
import { type SandboxAccess, sandboxGuard, viewerOf } from './access.ts';
import { ownerOf } from './account-tag.ts';
import {
  type Chaos,
  chaosFor,
  configureTenantChaos,
  hasOwnChaos,
  parseChaos,
  registerWebhookTenant,
  sandboxChaos,
} from './chaos.ts';
import type { MemoryRecorder } from './recorder.ts';
import type { EmulatorRegistry, FaultAnswer, SandboxFaults, SandboxRecorder } from './types.ts';

export interface SandboxHostOptions {
  emulators: EmulatorRegistry;
  recorder: MemoryRecorder;
  /** The gateway's inbound webhook URL of each channel's sandbox account, if known. */
  webhookUrls?: Record<string, string | undefined>;
  /** Chaos settings to start with (OMNIGATE_SANDBOX_CHAOS); none by default. */
  chaos?: string | undefined;
  /** Who may use the sandbox's own endpoints; omitted when the emulators run alone. */
  access?: SandboxAccess;
  /** How the emulators fetch the facts of a media URL, as the providers do. */
  probeMedia?: ProbeMedia;
}

/** The wait hint a chaos throttle gives, in seconds: honoured, and short enough for tests. */
const CHAOS_RETRY_AFTER_S = 1;

/** No tenant has this id: a listing for a caller the guard did not name shows nothing. */
const NO_ONE = '';

export const sandboxHost: FastifyPluginAsync<SandboxHostOptions> = async (
  app,
  { emulators, recorder, webhookUrls, chaos, access, probeMedia },
) => {
  if (chaos) {
    const settings = parseChaos(chaos);
    if (typeof settings === 'string') throw new Error(`OMNIGATE_SANDBOX_CHAOS: ${settings}`);
    sandboxChaos.configure(settings);
  }
  // What the emulators see: entries filed under the tenant whose dispatcher sent the request,
  // listings for the tenant asking.
  const filed: SandboxRecorder = {
    record: (channel, entry, request) => recorder.record(channel, entry, ownerOf(request)),
    list: (channel, filter, request) =>
      access
        ? recorder.list(channel, { ...filter, tenantId: (request && viewerOf(request)) ?? NO_ONE })
        : recorder.list(channel, filter),
  };

  for (const [name, emulator] of Object.entries(emulators)) {
    const webhookUrl = webhookUrls?.[name];
    const webhookTenant = access?.webhookTenants[name];
    if (webhookUrl && webhookTenant) registerWebhookTenant(webhookUrl, webhookTenant);
    await app.register(
      async (scope) => {
        if (access) scope.addHook('onRequest', sandboxGuard(access, name));
        scope.addHook('onRequest', chaosHook(name, emulator.faults, recorder));
        // A slow answer is slow on the way back: the provider has the request at once (and the
        // recorder's timestamps stay arrival times).
        scope.addHook('onSend', async (request, reply, payload) => {
          const slow = slowAnswers.get(request);
          if (slow) await new Promise((r) => setTimeout(r, slow.current.slowMs));
          return spoilAnswer(request, reply, payload);
        });
        await scope.register(emulator.plugin, {
          credentials: emulator.credentials,
          recorder: filed,
          ...(webhookUrl ? { webhookUrl } : {}),
          ...(probeMedia ? { probeMedia } : {}),
        });
      },
      { prefix: `/sandbox/${name}` },
    );
  }

  await app.register(async (scope) => {
    if (access) scope.addHook('onRequest', sandboxGuard(access));
    const chaosOf = (request: FastifyRequest) => {
      const tenantId = access ? viewerOf(request) : undefined;
      return { tenantId, chaos: chaosFor(tenantId) };
    };
    scope.get('/sandbox/_chaos', { schema: { hide: true } }, async (request) => {
      const { tenantId, chaos } = chaosOf(request);
      // The process-wide counts are everyone's traffic: a tenant sees its own only.
      const own = tenantId === undefined || hasOwnChaos(tenantId);
      return {
        scope: tenantId === undefined ? 'process' : own ? 'tenant' : 'process',
        settings: chaos.current,
        ...(own ? { injected: chaos.injected } : {}),
      };
    });
    scope.put(
      '/sandbox/_chaos',
      { schema: { hide: true, body: { type: 'object', properties: { settings: { type: 'string' } } } } },
      async (request, reply) => {
        const settings = parseChaos((request.body as { settings?: string }).settings ?? '');
        if (typeof settings === 'string') return reply.code(400).send({ message: settings });
        const { tenantId } = chaosOf(request);
        if (tenantId === undefined) sandboxChaos.configure(settings);
        else configureTenantChaos(tenantId, settings);
        return { scope: tenantId === undefined ? 'process' : 'tenant', settings };
      },
    );
  });
};

/** The chaos that made an answer slow, so the answer waits that chaos's `slowMs`. */
const slowAnswers = new WeakMap<FastifyRequest, Chaos>();

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

function chaosHook(name: string, faults: SandboxFaults | undefined, recorder: MemoryRecorder) {
  const answerFor = (fault: 'throttle' | 'error'): FaultAnswer =>
    fault === 'throttle'
      ? (faults?.throttled(CHAOS_RETRY_AFTER_S) ?? { status: 429, body: {} })
      : (faults?.serverError() ?? { status: 500, body: {} });

  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Only provider API calls misbehave; the emulator's own /_requests and /_simulate do not.
    if (request.method !== 'POST' || request.url.includes('/_')) return;
    const owner = ownerOf(request);
    const chaos = chaosFor(owner?.tenantId);
    if (!chaos.enabled) return;
    const fault = chaos.apiFault();
    if (fault === undefined) return;
    if (fault === 'slow') {
      slowAnswers.set(request, chaos);
      return;
    }
    if (fault === 'garbled' || fault === 'badGateway') {
      spoiltAnswers.set(request, fault);
      return;
    }
    const at = new Date().toISOString();
    // The URL may hold a credential (Telegram's token is in the path); the record is for people.
    const path = redactSecrets(request.url.replace(`/sandbox/${name}`, ''));
    if (fault === 'reset') {
      recorder.record(
        name,
        { at, path, headers: {}, body: 'chaos: connection reset', status: 0, response: null },
        owner,
      );
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    const answer = answerFor(fault);
    recorder.record(
      name,
      { at, path, headers: {}, body: `chaos: ${fault}`, status: answer.status, response: answer.body },
      owner,
    );
    return reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  };
}
