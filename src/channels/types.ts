/**
 * The contract every channel connector fills. Adding a channel is one folder under src/channels
 * that exports a `ChannelConnector`, plus one line in ./registry.ts; nothing in core changes.
 *
 * Connectors are pure: they render, authorize and classify, but never do I/O themselves. The
 * dispatcher owns the HTTP call (one undici pool per provider base URL), so timeouts, transport
 * error classification and retries are written once, not per channel.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CanonicalMessage, MessageKind } from '../core/message.ts';
import type { MediaFacts, ProbeMedia } from '../lib/media-probe.ts';
import type { LimitTable } from './kit/limit-notes.ts';

export type { MediaFacts };

/** One problem with a request, located by a JSON pointer into the request body. */
export interface FieldIssue {
  /** RFC 6901 pointer, e.g. `/message/cards/3/title`. */
  pointer: string;
  /** Stable rule name, e.g. `maxLength`, `channel_capability`. */
  rule: string;
  detail: string;
}

/**
 * How a channel carries one canonical kind, over every form the kind takes (each mediaType, each
 * action type, each size). `refuses` names the forms of a carried kind the provider has no way to
 * show at all (LINE's typing_off), which a send answers with 422 `channel_capability` at the field.
 */
export type Capability =
  | { support: 'native'; refuses?: string }
  | { support: 'degraded'; to: string; rule: string; refuses?: string }
  | { support: 'refused'; reason: string };

/** A degradation applied while rendering, recorded on the message. */
export interface Degradation {
  pointer: string;
  from: string;
  to: string;
  rule: string;
}

/**
 * The provider request exactly as it will be sent, minus secrets: credentials are applied at send
 * time by `authorize`, so what is stored and shown on GET /v1/messages/:id never holds a token.
 */
export interface ProviderRequest {
  method: 'POST';
  /** Path relative to the provider base URL; may hold `{token}`-style placeholders for secrets. */
  path: string;
  headers?: Record<string, string>;
  body: unknown;
}

export interface RenderResult {
  request: ProviderRequest;
  degradations: Degradation[];
  /**
   * Choices shown as numbered text because the channel had no button for them (a degraded carousel
   * or list). A reply of just "2" from the recipient then comes back as the postback of choice 2.
   */
  choices?: NumberedChoice[];
}

/** One numbered choice of a degraded rendering; `number` is what the person types back. */
export interface NumberedChoice {
  number: number;
  title: string;
  payload: string;
}

/** The provider's answer as the dispatcher received it. */
export interface ProviderResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body was JSON, otherwise the text. */
  body: unknown;
  /** The body as received, for numbers JSON.parse would round (Viber's 64-bit message tokens). */
  rawBody?: string;
}

/** What a provider answer means for the message; the dispatcher acts on it. */
export type SendOutcome =
  | { kind: 'sent'; providerMessageId?: string }
  | { kind: 'rate_limited'; retryAfterMs?: number; code: string; reason: string }
  | {
      kind: 'transient';
      code: string;
      reason: string;
      /** The provider refused the access token (expired or revoked): fetch a new one before retrying. */
      invalidateAccessToken?: boolean;
    }
  | { kind: 'permanent'; code: string; reason: string }
  /**
   * The answer does not say whether the provider took the message (a proxy's 502 or 504): the
   * channel's maybe-sent policy decides whether it goes again (dispatch/maybe-sent.ts).
   */
  | { kind: 'maybe_sent'; code: string; reason: string };

/** How a channel treats an attempt whose outcome is unknown (see ChannelConnector.maybeSentPolicy). */
export type MaybeSentPolicy = 'resend' | 'resend_once' | 'fail';

/** Credentials of one channel account, decrypted, as the connector's `credentialsSchema` describes. */
export type Credentials = Record<string, string>;

/** Per-send facts a connector may render with (e.g. a reply token instead of a push). */
export interface RenderContext {
  /** The recipient as the provider addresses it (LINE user id, Telegram chat id, ...). */
  to: string;
  /** Channel-specific options from the request (`options.line.replyToken`, ...). */
  options?: Record<string, unknown>;
  /**
   * A stable id for this message, usable as a provider idempotency key (LINE X-Line-Retry-Key
   * takes a UUID, so this is a UUID).
   */
  retryKey: string;
  /** What the gateway found at the media URLs the channel asked about (`linkedMedia`), by pointer. */
  media?: LinkedMedia;
}

/** A media URL of a message that the provider fetches and judges, to be probed before accepting. */
export interface MediaLink {
  /** Where the URL is in the request body (`/message/url`). */
  pointer: string;
  url: string;
  /** Whether the rules need its duration too (audio and video). */
  duration?: boolean;
}

/** Per pointer of a `MediaLink`, the facts found, or why none could be had (unreachable, timeout). */
export type LinkedMedia = Record<string, { facts: MediaFacts } | { unavailable: string }>;

/** An event a provider reported to our inbound webhook, normalised. */
export type InboundEvent =
  | {
      kind: 'message';
      providerEventId?: string;
      from: string;
      text?: string;
      /** Raw provider message type (`text`, `image`, `sticker`, ...). */
      contentType: string;
      replyToken?: string;
      occurredAt: Date;
    }
  | {
      kind: 'postback';
      providerEventId?: string;
      from: string;
      payload: string;
      replyToken?: string;
      occurredAt: Date;
      /** Set when the person typed the number of a choice shown as numbered text. */
      choice?: { messageId: string; number: number; text: string };
    }
  | {
      kind: 'status';
      providerEventId?: string;
      providerMessageId: string;
      status: 'delivered' | 'read' | 'failed';
      reason?: string;
      occurredAt: Date;
    }
  | {
      /**
       * A watermark receipt (Messenger, Instagram): every message sent to `recipient` at or before
       * `watermark` has reached `status`.
       */
      kind: 'status_watermark';
      providerEventId?: string;
      recipient: string;
      status: 'delivered' | 'read';
      watermark: Date;
      occurredAt: Date;
    }
  | { kind: 'other'; providerEventId?: string; type: string; from?: string; occurredAt: Date };

export interface InboundRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The query string, decoded (WeChat signs `timestamp` and `nonce` given there). */
  query?: Record<string, string>;
}

/**
 * How a channel that authenticates with short-lived access tokens gets one (WeChat's
 * `stable_token`). The dispatcher fetches a token with `request`, caches it per account until
 * `expiresInMs` (less a margin), passes it to `authorize` as `credentials.accessToken`, and drops
 * it when `classify` answers `invalidateAccessToken`.
 */
export interface AccessTokenFlow {
  request(credentials: Credentials): ProviderRequest;
  parse(response: ProviderResponse): { token: string; expiresInMs: number } | { error: string };
}

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

export interface ChannelConnector {
  /** Registry name and the `channel` value of a send request. */
  readonly name: string;
  /** Human name for docs. */
  readonly displayName: string;
  /** The real provider's base URL, used in production mode unless OMNIGATE_<NAME>_API_BASE is set. */
  readonly defaultBaseUrl: string;
  /** How each canonical kind is carried; drives the capability check and the generated docs table. */
  readonly capabilities: Readonly<Record<MessageKind, Capability>>;
  /** Every limits object the channel enforces, with its notes; docs/limits.md is generated from them. */
  readonly limits: readonly LimitTable[];
  /** Schema of the credentials a channel account of this kind holds (POST /v1/channel-accounts). */
  readonly credentialsSchema: TSchema;
  /** Credentials of the built-in sandbox account; the emulator accepts exactly these. */
  readonly sandboxCredentials: Credentials;
  /**
   * The provider's documented send rate per account (providers.md), the dispatcher's default.
   * Omitted: 100/s.
   */
  readonly rateLimit?: { perSecond: number; burst: number };
  /**
   * The provider's documented pace per recipient (Telegram ~1/s per chat, WhatsApp's pair rate
   * limit, Viber per user per hour). Messages to one person wait their turn without using up an
   * attempt. Omitted: no per-recipient limit.
   */
  readonly recipientRateLimit?: { perSecond: number; burst: number };
  /**
   * What to do when a request may have reached the provider but the answer does not say (timeout,
   * reset, a proxy's 5xx, a crash mid-attempt): `resend` within the attempt budget where the
   * provider deduplicates (LINE's X-Line-Retry-Key); `resend_once` where it cannot, so a person
   * gets a message at most twice and never in a loop; `fail` never resends. Omitted:
   * `resend_once`. See dispatch/maybe-sent.ts.
   */
  readonly maybeSentPolicy?: MaybeSentPolicy;
  /**
   * The provider's customer-service window: free-form messages only within `hours` of the person's
   * last message (WhatsApp, Messenger 24 h; WeChat 48 h). `allowedOutside` says what may still
   * go (a WhatsApp template, a tagged Messenger message). The gateway refuses a send outside the
   * window when its own inbound record shows the window closed.
   */
  readonly sessionWindow?: {
    hours: number;
    allowedOutside(message: CanonicalMessage, options: Record<string, unknown> | undefined): boolean;
    /** What may be sent outside the window, for the refusal's detail. */
    outside: string;
  };
  /**
   * A reply token the provider hands out with an inbound event and accepts only for a while after
   * it (LINE's reply API). A send carrying a token the gateway received longer ago than
   * `validForMs` is refused before it is queued, or sent without the token (a push) when the
   * request allows it (`fallbackAllowed`).
   */
  readonly replyWindow?: {
    validForMs: number;
    /** The token a send carries in its channel options, if any. */
    tokenOf(options: Record<string, unknown> | undefined): string | undefined;
    /** Whether the send asked to be pushed instead when its token is stale. */
    fallbackAllowed(options: Record<string, unknown> | undefined): boolean;
    /** The options without the token: what renders as a push. */
    withoutToken(options: Record<string, unknown>): Record<string, unknown>;
    /** The pointer of the token in a send request, for the refusal. */
    pointer: string;
  };
  /** Schema of `options.<name>` on a send request, if the channel takes any. */
  readonly optionsSchema?: TSchema;
  /**
   * Rules on media the message only links to (size, type, duration), which the provider applies
   * when it fetches the URL. The core probes each URL `links` names before accepting
   * (core/linked-media.ts) and `check` refuses what the provider would, a 422 like `check`'s; a URL
   * that could not be probed comes as `unavailable`, and `check` judges what it can without it (a
   * URL's extension). The same facts reach `render` (`RenderContext.media`), for providers that
   * want them in the request (Viber's `size`, LINE's audio `duration`).
   */
  readonly linkedMedia?: {
    links(message: CanonicalMessage, options: Record<string, unknown> | undefined): MediaLink[];
    check(
      message: CanonicalMessage,
      media: LinkedMedia,
      options: Record<string, unknown> | undefined,
    ): FieldIssue[];
    /**
     * The provider needs a preview image with every video (LINE): one without `previewUrl` gets
     * the gateway's placeholder (OMNIGATE_VIDEO_PREVIEW_URL) when one is configured.
     */
    videoPreview?: boolean;
  };

  /** Checks a recipient address; returns why it is invalid, or undefined. */
  checkRecipient(to: string): string | undefined;
  /**
   * Checks the channel's documented limits before anything is stored. Pointers are relative to the
   * request body (they start with `/message`). Kinds the channel refuses never reach here.
   * `options` are the send's own `options.<name>`, for limits they change (Telegram counts text
   * after parsing the markup its `parseMode` names) or hold (Viber's sender name); their issues
   * point under `/options/<name>`.
   */
  check(message: CanonicalMessage, options?: Record<string, unknown>): FieldIssue[];
  /** Renders the provider request for one recipient. Pure and deterministic. */
  render(message: CanonicalMessage, ctx: RenderContext): RenderResult;
  /**
   * Applies credentials to a stored request: fills path placeholders and auth headers, and, where
   * the provider wants account facts in the body (Viber's sender), returns the body to send.
   */
  authorize(
    request: ProviderRequest,
    credentials: Credentials,
  ): { path: string; headers: Record<string, string>; body?: unknown };
  /**
   * What the account adds to a stored request that is no secret (Viber's `sender`, WhatsApp's phone
   * number id in the path), so a preview shows the request as it will be sent. `authorize` applies
   * the same and the secrets besides. Omitted: the account adds nothing but secrets.
   */
  withAccount?(request: ProviderRequest, credentials: Credentials): ProviderRequest;
  /** Maps a provider answer to what the dispatcher should do. */
  classify(response: ProviderResponse): SendOutcome;

  /** Verifies an inbound webhook on its raw bytes, in constant time. */
  verifyInbound(request: InboundRequest, credentials: Credentials): boolean;
  /**
   * For a provider that may encrypt its webhooks (WeChat's compatible and safe modes): the bytes
   * to decode, unsealed from a verified request, or undefined to refuse it as `verifyInbound`
   * would (a seal that does not open, or one made for another account). Omitted: the raw body.
   */
  openInbound?(request: InboundRequest, credentials: Credentials): Buffer | undefined;
  /**
   * For a provider whose signature covers a timestamp and a nonce (WeChat): the signed values
   * of a verified request, so the gateway refuses one dated outside its window or replayed within
   * it. Omitted: the signature covers no delivery time (body HMACs, whose redeliveries are
   * legitimate and deduplicated by provider event id).
   */
  signedFreshness?(request: InboundRequest): { signedAt: number; nonce: string } | undefined;
  /** Normalises a verified inbound webhook body into events. */
  parseInbound(body: unknown): InboundEvent[];
  /** Decodes a verified inbound body (WeChat sends XML). Omitted: JSON. Throws on malformed input. */
  decodeInbound?(rawBody: Buffer): unknown;
  /** What the provider expects as the 200 body of a webhook (WeChat: `success`). Omitted: JSON. */
  readonly inboundAck?: { contentType: string; body: string };
  /**
   * Answers the provider's GET verification of a webhook URL (Meta's `hub.challenge`, WeChat's
   * `echostr`): the body to echo, or undefined to refuse. Omitted: the channel has no handshake.
   */
  handshake?(query: Record<string, string>, credentials: Credentials): string | undefined;
  /** Short-lived access tokens, for channels that use them instead of a static credential. */
  readonly accessToken?: AccessTokenFlow;

  /** The strict provider emulator, mounted at /sandbox/<name> in sandbox mode. */
  readonly sandbox: FastifyPluginAsync<SandboxOptions>;
  /**
   * How this provider answers when it throttles and when it breaks, for the emulator's chaos mode
   * (src/sandbox/chaos.ts). Omitted: HTTP 429 and 500 with an empty JSON body.
   */
  readonly sandboxFaults?: SandboxFaults;
}
