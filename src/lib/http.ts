/**
 * Outbound HTTP to providers and callback endpoints, over undici with keep-alive pools per origin.
 *
 * Provider calls are POSTs, which no HTTP client may retry on its own, so this layer never retries:
 * it reports what happened, and tells apart failures where the request never left (`not_sent`:
 * safe to resend) from those where it may have been acted on (`maybe_sent`: a resend could
 * duplicate the message). The dispatcher decides what to do with each.
 */
import { Agent, type Dispatcher, request } from 'undici';
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
  /**
   * Time allowed for the whole exchange, counted from when the request is written to its
   * connection: a wait for a free connection never eats into it.
   */
  timeoutMs?: number;
  /** Largest answer body read; providers answer small JSON, and callback endpoints are untrusted. */
  maxResponseBytes?: number;
  /** Refuses destinations that are not public addresses (outbound webhooks). */
  guard?: DestinationGuard;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** Our deadline ran out while the request was on the wire: the provider may have it. */
export const DEADLINE = 'UND_ERR_DEADLINE';

/**
 * One deadline for the whole exchange, body included, started when undici writes the request to
 * a connection (onRequestStart), not when the call was made: time spent waiting for a free
 * connection is ours, and counting it made sends fail as maybe_sent under load that the provider
 * answered in time. undici's own bodyTimeout only bounds the gaps between chunks, so without this
 * a peer trickling bytes could hold a connection for hours.
 */
function deadlineFromWrite(ms: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    return dispatch(opts, {
      onRequestStart(controller, context) {
        stop();
        timer = setTimeout(() => {
          const error = Object.assign(
            new Error(`no complete answer within ${ms} ms of writing the request`),
            {
              code: DEADLINE,
            },
          );
          controller.abort(error);
        }, ms);
        handler.onRequestStart?.(controller, context);
      },
      onRequestUpgrade: (controller, statusCode, headers, socket) =>
        handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) =>
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd(controller, trailers) {
        stop();
        handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError(controller, error) {
        stop();
        handler.onResponseError?.(controller, error);
      },
    });
  };
}

export class HttpClient {
  private readonly agent: Dispatcher;
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
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(options.guard ? { connect: { lookup: options.guard.lookup } } : {}),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    }).compose(deadlineFromWrite(this.timeoutMs));
  }

  /** POSTs a body (a string is sent as is, anything else as JSON) and reads the whole answer. */
  async post(url: string, headers: Record<string, string>, body: unknown): Promise<HttpResponse> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    // A literal address never goes through the lookup hook, so it is checked here.
    const refused = this.guard?.urlRefusal(url);
    if (refused !== undefined) throw new TransportError('not_sent', FORBIDDEN_DESTINATION, refused);
    let res: Awaited<ReturnType<typeof request>>;
    // The exchange's own deadline starts when the request is written (deadlineFromWrite); this
    // one, from the call, only bounds a wait for a connection that never comes, and is long enough
    // (connect + twice the timeout) never to cut off an exchange that met its own. Its timer is
    // cleared once the answer starts: AbortSignal.timeout's stayed armed for the full 35 s, some
    // 100,000 timers and weak references alive at 3,000 sends a second.
    const waited = new AbortController();
    const bound = setTimeout(
      () => waited.abort(new DOMException('no connection in time', 'TimeoutError')),
      CONNECT_TIMEOUT_MS + 2 * this.timeoutMs,
    );
    try {
      res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
        signal: waited.signal,
      });
    } catch (error) {
      throw classifyTransport(error);
    } finally {
      clearTimeout(bound);
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
