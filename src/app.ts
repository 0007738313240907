/**
 * buildApp: the HTTP surface as a Fastify instance that never listens by itself, so tests drive
 * the whole pipeline through `app.inject` and main.ts decides where to listen.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { bearerAuth } from './api/auth.ts';
import { capabilityTableMarkdown } from './api/capability-table.ts';
import { inboundWebhookRoutes } from './api/inbound-webhooks.ts';
import { accountRoutes } from './api/v1/account.ts';
import { channelAccountRoutes } from './api/v1/channel-accounts.ts';
import { contactRoutes } from './api/v1/contacts.ts';
import { conversationRoutes } from './api/v1/conversations.ts';
import { deadLetterRoutes } from './api/v1/dead-letters.ts';
import { inboundEventRoutes } from './api/v1/inbound-events.ts';
import { linkRoutes, shortLinkRoutes } from './api/v1/links.ts';
import { messagesRoutes } from './api/v1/messages.ts';
import { policyRoutes } from './api/v1/policy.ts';
import { templateRoutes } from './api/v1/templates.ts';
import { webhookRoutes } from './api/v1/webhooks.ts';
import type { ConnectorRegistry } from './channels/registry.ts';
import { compatCredentialRoutes, FACADE_DIALECTS, registerFacades } from './compat/index.ts';
import type { Store } from './core/ports/store.ts';
import { answerClientError } from './http/client-errors.ts';
import { frameworkErrors, registerProblemHandlers } from './http/problem.ts';
import { refuseUnsafeInput } from './http/refuse-nul.ts';
import { collectRoutes } from './http/route-table.ts';
import { lazySchemaCompilers } from './http/schema-compilers.ts';
import { type ConnectionLimits, limitConnectionsPerClient, serverTimeouts } from './lib/connection-limits.ts';
import type { CredentialHasher } from './lib/crypto.ts';
import { newId } from './lib/ids.ts';
import type { Logger } from './lib/log.ts';
import type { ProbeMedia } from './lib/media-probe.ts';
import type { DestinationGuard } from './lib/ssrf-guard.ts';
import { type SandboxTags, sandboxUrlRewriter } from './sandbox/account-tag.ts';
import { sandboxHost } from './sandbox/host.ts';
import type { MemoryRecorder } from './sandbox/recorder.ts';
import type { EmulatorRegistry } from './sandbox/types.ts';

export interface AppDeps {
  store: Store;
  connectors: ConnectorRegistry;
  logger?: Logger | false;
  bodyLimitBytes?: number;
  now?: () => Date;
  /** Wakes the dispatcher after an accept. */
  onAccepted?: (withCallbacks: boolean) => void;
  /** Whether the workers are up, for /readyz; absent where none run. */
  isReady?: () => boolean;
  /** What else the process cannot work without (e.g. `redis`), each reachable or not, for /readyz. */
  dependencies?: () => Record<string, boolean>;
  /** Mount the provider emulators under /sandbox. */
  sandbox?: {
    /** The emulators to mount, by channel name. */
    emulators: EmulatorRegistry;
    recorder: MemoryRecorder;
    webhookUrls?: () => Record<string, string | undefined>;
    /** Per channel, the tenant owning the sandbox account of `webhookUrls`. */
    webhookTenants?: () => Record<string, string | undefined>;
    /** Reads which tenant an emulator request came from (the dispatcher's tagged base URLs). */
    tags?: SandboxTags;
    chaos?: string | undefined;
  };
  /** The URL the gateway is reached at (for webhook URLs shown to users). */
  publicUrl: () => string;
  /** Refuses callback URLs at non-public addresses at accept time. */
  destinationGuard?: DestinationGuard;
  /**
   * Probes the media a send links to before it is accepted (core/rules/send/linked-media.ts);
   * omitted: none.
   */
  probeMedia?: ProbeMedia;
  /** The placeholder preview of videos on channels that need one (OMNIGATE_VIDEO_PREVIEW_URL). */
  videoPreviewUrl?: string;
  /** Stop and start words, replacing the defaults. */
  consentKeywords?: { stop: string[]; start: string[] };
  /** Per channel, the expiry of messages sent without one. */
  defaultTtlSeconds?: Record<string, number | undefined>;
  /**
   * Production mode: accounts made in sandbox mode (public credentials) neither send nor receive,
   * and the emulators' public credentials are refused for new accounts.
   */
  production?: boolean;
  /** Keyed hash of API keys and compat credentials (derived from the master key). */
  credentialHash: CredentialHasher;
  /** Timeouts and per-client limits of the listening server (`inject` never meets them). */
  connections?: ConnectionLimits;
}

const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    request_id: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String({ description: 'RFC 6901 JSON pointer to the offending field.' }),
          rule: Type.String(),
          detail: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: deps.connections?.requestTimeoutMs ?? 30_000,
    ...(deps.connections ? { http: serverTimeouts(deps.connections) } : {}),
    genReqId: () => newId('req'),
    // The emulators' tagged base URLs (sandbox/account-tag.ts) lose their tag before routing.
    ...(deps.sandbox ? { rewriteUrl: sandboxUrlRewriter(deps.sandbox.tags) } : {}),
    frameworkErrors: frameworkErrors(FACADE_DIALECTS),
    clientErrorHandler: answerClientError,
    schemaController: { compilersFactory: lazySchemaCompilers() },
    ajv: {
      customOptions: {
        // Strict: no type coercion (a number is not a string), no silent removal of unknown fields,
        // every error reported so the answer names every offending field.
        coerceTypes: false,
        removeAdditional: false,
        allErrors: true,
        discriminator: true,
        allowUnionTypes: true,
      },
    },
  });
  if (deps.connections) limitConnectionsPerClient(app.server, deps.connections);
  registerProblemHandlers(app, collectRoutes(app), FACADE_DIALECTS);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Omnigate',
        version: '0.1.0',
        description: `One HTTP API to send a message on any channel and know what became of it.\n\n${capabilityTableMarkdown(deps.connectors)}`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {
      database: (await storeAnswers(deps.store)) ? 'ok' : 'down',
    };
    if (deps.isReady) checks.workers = deps.isReady() ? 'ok' : 'down';
    for (const [name, up] of Object.entries(deps.dependencies?.() ?? {})) checks[name] = up ? 'ok' : 'down';
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });

  const now = deps.now ?? (() => new Date());
  // What most route groups share: the store, the connectors and the clock.
  const base = { store: deps.store, connectors: deps.connectors, now };
  // What a send and a preview need to judge the media they link to.
  const linkedMedia = {
    ...(deps.probeMedia ? { probeMedia: deps.probeMedia } : {}),
    ...(deps.videoPreviewUrl ? { videoPreviewUrl: deps.videoPreviewUrl } : {}),
  };
  const v1: FastifyPluginAsync = async (v1) => {
    v1.addHook('onRequest', bearerAuth(deps.store, deps.credentialHash));
    v1.addHook('preValidation', refuseUnsafeInput);
    // The API speaks JSON only: a text/plain body is a 415, not a string that fails validation.
    v1.removeContentTypeParser('text/plain');
    await v1.register(messagesRoutes, {
      deps: {
        ...base,
        ...(deps.destinationGuard ? { destinationGuard: deps.destinationGuard } : {}),
        ...(deps.defaultTtlSeconds ? { defaultTtlSeconds: deps.defaultTtlSeconds } : {}),
        ...linkedMedia,
        ...(deps.production ? { refuseSandboxAccounts: true } : {}),
        publicUrl: deps.publicUrl,
      },
      ...(deps.onAccepted ? { onAccepted: deps.onAccepted } : {}),
    });
    await v1.register(contactRoutes, base);
    await v1.register(conversationRoutes, base);
    await v1.register(policyRoutes, base);
    await v1.register(linkRoutes, base);
    await v1.register(templateRoutes, base);
    await v1.register(webhookRoutes, {
      ...base,
      ...(deps.destinationGuard ? { destinationGuard: deps.destinationGuard } : {}),
      ...(deps.onAccepted ? { onReplayed: () => deps.onAccepted?.(true) } : {}),
    });
    await v1.register(deadLetterRoutes, {
      ...base,
      ...(deps.onAccepted ? { onRedriven: () => deps.onAccepted?.(true) } : {}),
    });
    await v1.register(channelAccountRoutes, {
      store: deps.store,
      connectors: deps.connectors,
      publicUrl: deps.publicUrl,
      ...(deps.production ? { refuseSandboxCredentials: true } : {}),
    });
    await v1.register(inboundEventRoutes, { store: deps.store });
    await v1.register(accountRoutes, { store: deps.store });
    await v1.register(compatCredentialRoutes, { store: deps.store, credentialHash: deps.credentialHash });
  };
  await app.register(v1, { prefix: '/v1' });
  await registerFacades(app, {
    send: {
      ...base,
      ...(deps.destinationGuard ? { destinationGuard: deps.destinationGuard } : {}),
      ...(deps.defaultTtlSeconds ? { defaultTtlSeconds: deps.defaultTtlSeconds } : {}),
      ...linkedMedia,
      ...(deps.production ? { refuseSandboxAccounts: true } : {}),
      publicUrl: deps.publicUrl,
    },
    onAccepted: deps.onAccepted,
    credentialHash: deps.credentialHash,
  });

  await app.register(shortLinkRoutes, base);
  await app.register(inboundWebhookRoutes, {
    store: deps.store,
    connectors: deps.connectors,
    now,
    ...(deps.consentKeywords ? { keywords: deps.consentKeywords } : {}),
    ...(deps.production ? { refuseSandboxAccounts: true } : {}),
  });

  if (deps.sandbox) {
    await app.register(sandboxHost, {
      emulators: deps.sandbox.emulators,
      recorder: deps.sandbox.recorder,
      webhookUrls: deps.sandbox.webhookUrls?.() ?? {},
      chaos: deps.sandbox.chaos,
      ...(deps.probeMedia ? { probeMedia: deps.probeMedia } : {}),
      access: {
        authenticate: bearerAuth(deps.store, deps.credentialHash),
        webhookTenants: deps.sandbox.webhookTenants?.() ?? {},
      },
    });
  }
  return app;
}

/** How long /readyz waits for the store: a load balancer's probe must not hang on a dead server. */
const READY_PROBE_MS = 2_000;

async function storeAnswers(store: Store): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_PROBE_MS);
  });
  try {
    return await Promise.race([store.ping().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
