/**
 * The words the core and every channel share: a problem with a request (`FieldIssue`), how a
 * channel carries a kind (`Capability`), what it changed (`Degradation`), the provider request and
 * answer, what an answer means (`SendOutcome`), and the inbound events a provider reports.
 */
import type { HttpResponse } from '../../lib/http-response.ts';
import type { MediaFacts } from '../../lib/media-probe.ts';

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

/** The provider's answer as the dispatcher received it (lib/http.ts reads it off the wire). */
export type ProviderResponse = HttpResponse;

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
