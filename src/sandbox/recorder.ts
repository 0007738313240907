/**
 * What the sandbox emulators answered, kept in memory (bounded) so a person can see a message reach
 * "the provider" (GET /sandbox/<channel>/_requests) and tests can assert on the exact wire request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RecordedRequest, SandboxRecorder } from '../channels/types.ts';

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

export class MemoryRecorder implements SandboxRecorder {
  private readonly entries = new Map<string, RecordedRequest[]>();

  constructor(private readonly capacity = 10_000) {}

  record(channel: string, entry: RecordedRequest): void {
    let list = this.entries.get(channel);
    if (!list) {
      list = [];
      this.entries.set(channel, list);
    }
    list.push(entry);
    if (list.length > this.capacity) list.splice(0, list.length - this.capacity);
  }

  list(channel: string, filter?: { to?: string }): RecordedRequest[] {
    const list = this.entries.get(channel) ?? [];
    return filter?.to ? list.filter((e) => recipientOf(e.body) === filter.to) : [...list];
  }
}

/**
 * `GET /_requests[?to=<recipient>]`: what the emulator of `channel` answered (to that recipient, if
 * given), as `{data: [...]}`.
 */
export function requestsRoute(app: FastifyInstance, recorder: SandboxRecorder, channel: string): void {
  app.get('/_requests', async (req: FastifyRequest<{ Querystring: { to?: string } }>) => {
    const to = typeof req.query.to === 'string' && req.query.to !== '' ? req.query.to : undefined;
    return { data: recorder.list(channel, to !== undefined ? { to } : undefined) };
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
