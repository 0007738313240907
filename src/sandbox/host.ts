/**
 * Mounts every channel's strict provider emulator under /sandbox/<channel>. In the default mode
 * the gateway's connectors point at these, so a new user's first send really crosses HTTP to
 * something that validates it the way the provider would. `omnigate sandbox` runs them alone.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { SandboxRecorder } from '../channels/types.ts';

export interface SandboxHostOptions {
  connectors: ConnectorRegistry;
  recorder: SandboxRecorder;
  /** The gateway's inbound webhook URL of each channel's sandbox account, if known. */
  webhookUrls?: Record<string, string | undefined>;
}

export const sandboxHost: FastifyPluginAsync<SandboxHostOptions> = async (
  app,
  { connectors, recorder, webhookUrls },
) => {
  for (const [name, connector] of Object.entries(connectors)) {
    const webhookUrl = webhookUrls?.[name];
    await app.register(connector.sandbox, {
      prefix: `/sandbox/${name}`,
      credentials: connector.sandboxCredentials,
      recorder,
      ...(webhookUrl ? { webhookUrl } : {}),
    });
  }
};
