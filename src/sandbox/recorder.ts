/**
 * What the sandbox emulators answered, kept in memory (bounded) so a person can see a message reach
 * "the provider" (GET /sandbox/<channel>/_requests) and tests can assert on the exact wire request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxOwner } from './account-tag.ts';
import type { RecordedRequest, SandboxRecorder } from './types.ts';

/** Pulls the recipient out of a provider request body, whichever field the provider names it. */
function recipientOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  // The Send API (Messenger, Instagram) addresses `recipient: { id }`.
  const recipient =
    b.recipient !== null && typeof b.recipient === 'object' && 'id' in b.recipient
      ? b.recipient.id
      : b.recipient;
  const to = b.to ?? b.chat_id ?? b.chatId ?? recipient ?? b.receiver ?? b.touser;
  return to === undefined || to === null
    ? undefined
    : String(typeof to === 'object' ? JSON.stringify(to) : to);
}

interface Filed {
  entry: RecordedRequest;
  /** The tenant whose dispatcher sent the request; none for a request that carried no tag. */
  tenantId: string | undefined;
}

/**
 * In memory, bounded per channel. Not a SandboxRecorder itself: the host adapts it to the
 * emulators, turning their requests into the owner an entry is filed under and the tenant a
 * listing is for.
 */
export class MemoryRecorder {
  private readonly entries = new Map<string, Filed[]>();

  constructor(private readonly capacity = 10_000) {}

  record(channel: string, entry: RecordedRequest, owner?: SandboxOwner): void {
    let list = this.entries.get(channel);
    if (!list) {
      list = [];
      this.entries.set(channel, list);
    }
    list.push(
      owner
        ? { entry: { ...entry, account: owner.accountId }, tenantId: owner.tenantId }
        : { entry, tenantId: undefined },
    );
    if (list.length > this.capacity) list.splice(0, list.length - this.capacity);
  }

  /**
   * What `channel`'s emulator answered, oldest first; to `to` only, and only `tenantId`'s, when
   * given. Without `tenantId`, everyone's: for the process itself (tests), never for a caller.
   */
  list(
    channel: string,
    filter?: { to?: string | undefined; tenantId?: string | undefined },
  ): RecordedRequest[] {
    const to = filter?.to;
    const tenantId = filter && 'tenantId' in filter ? filter.tenantId : ALL;
    const out: RecordedRequest[] = [];
    for (const filed of this.entries.get(channel) ?? []) {
      if (tenantId !== ALL && filed.tenantId !== tenantId) continue;
      if (to && recipientOf(filed.entry.body) !== to) continue;
      out.push(filed.entry);
    }
    return out;
  }
}

const ALL = Symbol('all tenants');

/**
 * `GET /_requests[?to=<recipient>]`: what the emulator of `channel` answered (to that recipient, if
 * given), as `{data: [...]}`.
 */
export function requestsRoute(app: FastifyInstance, recorder: SandboxRecorder, channel: string): void {
  app.get('/_requests', async (req: FastifyRequest<{ Querystring: { to?: string } }>) => {
    const to = typeof req.query.to === 'string' && req.query.to !== '' ? req.query.to : undefined;
    return { data: recorder.list(channel, to !== undefined ? { to } : undefined, req) };
  });
}

/** For emulators whose provider takes the token as `Authorization: Bearer <token>`. */
export const BEARER_REDACTED: Readonly<Record<string, string>> = { authorization: 'Bearer [redacted]' };

/**
 * A copy of request headers for the recorder, each header named in `names` (lower case) that was
 * sent replaced by its placeholder: the recorder is for people and tests to read, and a token sent
 * to the emulator stays out of it.
 */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  names: Readonly<Record<string, string>>,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = { ...headers };
  for (const [name, placeholder] of Object.entries(names)) {
    if (out[name] !== undefined) out[name] = placeholder;
  }
  return out;
}
