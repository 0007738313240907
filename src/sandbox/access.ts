/**
 * Who may use the sandbox's own endpoints. They show and change a tenant's traffic (the requests
 * its accounts sent, chaos for its accounts, a simulated person writing to its account, STOP
 * included), so each call needs that tenant's API key, and answers about that tenant only. The
 * emulated provider APIs themselves are not behind it: they check the provider's credentials, as
 * the provider would.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/vocabulary/errors.ts';
import { sendProblem } from '../http/problem.ts';

export interface SandboxAccess {
  /** Names the tenant of the request's API key in `request.tenantId`, or throws GW_UNAUTHORIZED. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Per channel, the tenant owning the sandbox account the emulator's simulated webhooks go to. */
  webhookTenants: Record<string, string | undefined>;
}

const viewers = new WeakMap<FastifyRequest, string>();

/** The tenant a sandbox endpoint answers, once the guard let the request through. */
export function viewerOf(request: FastifyRequest): string | undefined {
  return viewers.get(request);
}

/**
 * An onRequest hook. In a channel's scope it guards only the emulator's own endpoints (`/_...`);
 * without a channel, every route of its scope.
 */
export function sandboxGuard(access: SandboxAccess, channel?: string) {
  const prefix = channel === undefined ? '' : `/sandbox/${channel}`;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const rest = request.url.slice(prefix.length);
    if (channel !== undefined && !rest.startsWith('/_')) return;
    try {
      await access.authenticate(request, reply);
    } catch (error) {
      if (error instanceof AppError) return sendProblem(reply, request, error);
      throw error;
    }
    const tenantId = request.tenantId;
    viewers.set(request, tenantId);
    // A simulated person writes to one account, the sandbox account this emulator posts to: only
    // its tenant may make them speak (a STOP from them changes that tenant's consent records).
    if (
      channel !== undefined &&
      rest.startsWith('/_simulate') &&
      access.webhookTenants[channel] !== tenantId
    ) {
      return sendProblem(
        reply,
        request,
        new AppError(
          'GW_NOT_FOUND',
          `No ${channel} sandbox account of yours receives what this emulator simulates`,
        ),
      );
    }
  };
}
