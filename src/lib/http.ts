/**
 * Outbound HTTP to providers and callback endpoints, over undici with keep-alive pools per origin.
 *
 * Provider calls are POSTs, which no HTTP client may retry on its own, so this layer never retries:
 * it reports what happened, and tells apart failures where the request never left (`not_sent`:
 * safe to resend) from those where it may have been acted on (`maybe_sent`: a resend could
 * duplicate the message). The dispatcher decides what to do with each.
 */
import { Agent, request } from 'undici';
import type { HttpResponse } from './http-response.ts';
import { type DestinationGuard, FORBIDDEN_DESTINATION } from './ssrf-guard.ts';

export { FORBIDDEN_DESTINATION };

export class TransportError extends Error {
  constructor(
    readonly phase: 'not_sent' | 'maybe_sent',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

// Errors raised before any byte of the request could have reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // Our own guard refused the address before connecting.
  FORBIDDEN_DESTINATION,
]);

function classifyTransport(error: unknown): TransportError {
  const raw = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  // Our deadline aborts with a DOMException, whose `code` is a number (23): its name says more.
  const code =
    typeof raw === 'string' ? raw : error instanceof Error && error.name !== 'Error' ? error.name : 'UNKNOWN';
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(NOT_SENT.has(code) ? 'not_sent' : 'maybe_sent', code, message);
}

export interface HttpClientOptions {
  /** Connections per origin. */
  connections?: number;
  /** Time allowed for the answer's headers and for its body, each. */
  timeoutMs?: number;
  /** Largest answer body read; providers answer small JSON, and callback endpoints are untrusted. */
  maxResponseBytes?: number;
  /** Refuses destinations that are not public addresses (outbound webhooks). */
  guard?: DestinationGuard;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly guard: DestinationGuard | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.guard = options.guard;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024;
    this.agent = new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: 30_000,
      connectTimeout: 5_000,
      ...(options.guard ? { connect: { lookup: options.guard.lookup } } : {}),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** POSTs a body (a string is sent as is, anything else as JSON) and reads the whole answer. */
  async post(url: string, headers: Record<string, string>, body: unknown): Promise<HttpResponse> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    // A literal address never goes through the lookup hook, so it is checked here.
    const refused = this.guard?.urlRefusal(url);
    if (refused !== undefined) throw new TransportError('not_sent', FORBIDDEN_DESTINATION, refused);
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
        // One deadline for the whole exchange, body included: undici's own timeouts only bound the
        // gaps between chunks, so a peer trickling bytes could otherwise hold a slot for hours.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw classifyTransport(error);
    }
    let text: string;
    try {
      text = await readCapped(res.body, this.maxResponseBytes);
    } catch (error) {
      // The server answered (so it has the request) but the body broke off.
      const code = (error as { code?: string }).code ?? 'BODY';
      throw new TransportError('maybe_sent', code, error instanceof Error ? error.message : String(error));
    }
    return {
      status: res.statusCode,
      headers: res.headers,
      body: parseBody(text, res.headers['content-type']),
      rawBody: text,
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      chunks.push(chunk.subarray(0, chunk.length - (size - max)));
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (text.length === 0) return undefined;
  if (type?.includes('json') || text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
