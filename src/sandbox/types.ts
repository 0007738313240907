/**
 * What the emulators and their host share: an emulator as the host mounts it, the options it is
 * mounted with, the recorder of what it answered, and the fault answers of chaos mode.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Credentials } from '../core/vocabulary/channel.ts';
import type { ProbeMedia } from '../lib/media-probe.ts';

/**
 * A channel's strict provider emulator, registered beside its connector (src/channels/registry.ts)
 * and mounted at /sandbox/<name> by ./host.ts. The connector never sees it.
 */
export interface Emulator {
  readonly plugin: FastifyPluginAsync<SandboxOptions>;
  /** The credentials the emulator accepts: the sandbox account's (the connector's `sandboxCredentials`). */
  readonly credentials: Credentials;
  /**
   * How this provider answers when it throttles and when it breaks, for chaos mode (./chaos.ts).
   * Omitted: HTTP 429 and 500 with an empty JSON body.
   */
  readonly faults?: SandboxFaults;
}

export type EmulatorRegistry = Readonly<Record<string, Emulator>>;

/** Options the sandbox plugin of a channel receives. */
export interface SandboxOptions {
  /** Credentials the emulator accepts (the sandbox account's). */
  credentials: Credentials;
  /** Where the emulator records every request it answered, for inspection and tests. */
  recorder: SandboxRecorder;
  /**
   * Fetches the facts of a media URL, as the provider does when it is given one. The sandbox has
   * no internet: a URL it cannot reach is judged by its name alone.
   */
  probeMedia?: ProbeMedia;
  /**
   * The gateway's inbound webhook URL for the sandbox account, where the emulator posts (signed the
   * provider's way) the user replies and receipts it simulates.
   */
  webhookUrl?: string;
}

/** A provider answer the chaos mode sends instead of the real one. */
export interface FaultAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface SandboxFaults {
  /** The provider's throttling answer, with its wait hint where it gives one. */
  throttled(retryAfterSeconds: number): FaultAnswer;
  /** The provider's answer when it is broken. */
  serverError(): FaultAnswer;
}

export interface RecordedRequest {
  at: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  response: unknown;
  /** The channel account whose send this was, when the gateway's dispatcher sent it. */
  account?: string;
}

/**
 * What an emulator records its answers into. The request is passed along so the host can file an
 * entry under the tenant whose dispatcher sent it, and list only the asking tenant's entries
 * (src/sandbox/account-tag.ts); a bare emulator in a test may ignore it.
 */
export interface SandboxRecorder {
  record(channel: string, entry: RecordedRequest, request?: FastifyRequest): void;
  list(channel: string, filter?: { to?: string }, request?: FastifyRequest): RecordedRequest[];
}
