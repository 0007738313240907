/**
 * What a provider will find at a media URL a send only links to: its type, size, file name and,
 * for audio and video, its duration. Providers refuse a send for these (Viber a video over 26 MB,
 * Telegram a document by URL that is not a PDF), so the gateway looks before it accepts.
 *
 * A HEAD first; when that does not give a size (refused, or no Content-Length) a ranged GET of the
 * first bytes, whose Content-Range names the total. A duration is read from the bytes themselves
 * (media-duration.ts), fetched with ranged GETs: an MP4's `moov` may sit at the end of the file.
 * Every connection goes through the SSRF guard (a media URL is the sender's choice, exactly like a
 * callback URL), the whole probe has one short deadline, and answers are cached for a while, a
 * failure for less long, with concurrent probes of one URL sharing one exchange.
 */
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { type DurationSource, mediaDuration } from './media-duration.ts';
import type { DestinationGuard } from './ssrf-guard.ts';

export interface MediaFacts {
  url: string;
  /** The Content-Type without parameters, lower case. */
  contentType?: string;
  /** Bytes: Content-Length of the whole, or the total of a Content-Range. */
  size?: number;
  /** From Content-Disposition, else the URL's last path segment ('' is omitted). */
  fileName?: string;
  /** Audio and video, when asked for and the format is one read (MP4/M4A/MOV, MP3). */
  durationMs?: number;
}

/** What probing a URL came to: its facts, or why there are none. */
export type ProbeResult = { ok: true; facts: MediaFacts } | { ok: false; reason: string };

export interface ProbeRequest {
  /** Also read the duration (costs ranged GETs of the media's own bytes). */
  duration?: boolean;
}

export interface MediaProbeOptions {
  guard?: DestinationGuard;
  /** One deadline for a whole probe, redirects and ranged reads included. */
  timeoutMs?: number;
  /** How long an answer is reused; a failure is reused a tenth as long. */
  cacheTtlMs?: number;
  /** Entries kept; the oldest goes first. */
  cacheSize?: number;
  /** Certificate authorities trusted besides the system's (PEM): a private CA's media hosts. */
  ca?: string;
  now?: () => number;
}

/** A probe by URL; a test or the sandbox passes one around without knowing the class. */
export type ProbeMedia = (url: string, what?: ProbeRequest) => Promise<ProbeResult>;

const MAX_REDIRECTS = 3;
/** Bytes read per ranged GET: enough for an MP3's first frame after a modest ID3 tag, or a box header run. */
const CHUNK = 64 * 1024;

class ProbeFailure extends Error {}

export class MediaProbe {
  private readonly agent: Agent;
  private readonly guard: DestinationGuard | undefined;
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly cacheSize: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { at: number; result: ProbeResult }>();
  private readonly inFlight = new Map<string, Promise<ProbeResult>>();

  constructor(options: MediaProbeOptions = {}) {
    this.guard = options.guard;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.ttlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.cacheSize = options.cacheSize ?? 1_000;
    this.now = options.now ?? Date.now;
    this.agent = new Agent({
      connections: 8,
      keepAliveTimeout: 10_000,
      connectTimeout: this.timeoutMs,
      connect: {
        ...(this.guard ? { lookup: this.guard.lookup } : {}),
        ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      },
    });
  }

  readonly probe: ProbeMedia = (url, what = {}) => {
    const key = `${what.duration ? 'd' : '-'} ${url}`;
    const cached = this.cache.get(key);
    if (cached) {
      const ttl = cached.result.ok ? this.ttlMs : this.ttlMs / 10;
      if (this.now() - cached.at < ttl) return Promise.resolve(cached.result);
      this.cache.delete(key);
    }
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const started = this.run(url, what).then((result) => {
      this.inFlight.delete(key);
      this.cache.set(key, { at: this.now(), result });
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
      return result;
    });
    this.inFlight.set(key, started);
    return started;
  };

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async run(url: string, what: ProbeRequest): Promise<ProbeResult> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const head = await this.fetch(url, 'HEAD', undefined, signal);
      let facts = head.ok ? factsOf(head.url, head.headers, undefined) : undefined;
      let first: Fetched | undefined;
      if (facts?.size === undefined || what.duration) {
        // HEAD refused or sizeless: the first bytes, whose Content-Range has the total.
        first = await this.fetch(url, 'GET', `bytes=0-${CHUNK - 1}`, signal);
        if (!first.ok) throw new ProbeFailure(`the media URL answered HTTP ${first.status}`);
        facts = { ...factsOf(first.url, first.headers, first.body), ...dropUndefined(facts) };
      }
      if (facts === undefined) throw new ProbeFailure('the media URL gave no answer');
      if (what.duration && first) {
        const source: DurationSource = {
          head: first.body,
          size: facts.size,
          read: async (offset, length) => {
            const part = await this.fetch(first.url, 'GET', `bytes=${offset}-${offset + length - 1}`, signal);
            // A server that ignores Range answers 200 with the whole file from its start.
            if (part.status !== 206)
              return part.status === 200 ? part.body.subarray(offset, offset + length) : undefined;
            return part.body;
          },
        };
        const durationMs = await mediaDuration(source);
        if (durationMs !== undefined) facts.durationMs = durationMs;
      }
      return { ok: true, facts };
    } catch (error) {
      return { ok: false, reason: describe(error, this.timeoutMs) };
    }
  }

  /** One exchange, following redirects (each one guarded); the body read up to CHUNK bytes. */
  private async fetch(url: string, method: 'HEAD' | 'GET', range: string | undefined, signal: AbortSignal) {
    let current = url;
    for (let hop = 0; ; hop++) {
      const refused = this.guard?.urlRefusal(current);
      if (refused !== undefined) throw new ProbeFailure(refused);
      const res = await request(current, {
        method,
        dispatcher: this.agent,
        headers: { 'user-agent': 'Omnigate media probe', ...(range ? { range } : {}) },
        signal,
      });
      const location = res.headers['location'];
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        res.body.resume();
        if (hop >= MAX_REDIRECTS) throw new ProbeFailure(`more than ${MAX_REDIRECTS} redirects`);
        current = new URL(location, current).toString();
        continue;
      }
      const body = method === 'HEAD' ? Buffer.alloc(0) : await readUpTo(res.body, CHUNK);
      const fetched: Fetched = {
        url: current,
        status: res.statusCode,
        ok: res.statusCode >= 200 && res.statusCode < 300,
        headers: res.headers,
        body,
      };
      return fetched;
    }
  }
}

interface Fetched {
  url: string;
  status: number;
  ok: boolean;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

async function readUpTo(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) {
      // The rest of a large file is not wanted: close the connection rather than drain it.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max);
}

function header(headers: Fetched['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function factsOf(url: string, headers: Fetched['headers'], body: Buffer | undefined): MediaFacts {
  const facts: MediaFacts = { url };
  const type = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type) facts.contentType = type;
  const total = /\/\s*(\d+)\s*$/.exec(header(headers, 'content-range') ?? '')?.[1];
  const length = header(headers, 'content-length');
  // A ranged answer's Content-Length is the part's; only its Content-Range names the whole.
  const size =
    total ?? (body === undefined || header(headers, 'content-range') === undefined ? length : undefined);
  if (size !== undefined && /^\d+$/.test(size)) facts.size = Number(size);
  const name = dispositionName(header(headers, 'content-disposition')) ?? lastPathSegment(url);
  if (name) facts.fileName = name;
  return facts;
}

/** `filename*=UTF-8''…` (RFC 6266) before `filename="…"`. */
function dispositionName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(value)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      return undefined;
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(value);
  return (plain?.[1] ?? plain?.[2])?.trim() || undefined;
}

/** The last path segment of a URL, decoded; '' when it has none. */
export function lastPathSegment(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return '';
  }
}

function dropUndefined(facts: MediaFacts | undefined): Partial<MediaFacts> {
  return Object.fromEntries(Object.entries(facts ?? {}).filter(([, v]) => v !== undefined));
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof ProbeFailure) return error.message;
  const e = error as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
