/**
 * The contract every channel connector fills. Adding a channel is one folder under src/channels
 * that exports a `ChannelConnector` and its `Emulator` (src/sandbox/types.ts), plus one line in
 * src/channels/registry.ts; nothing in core changes. The emulator is no part of the connector.
 *
 * Connectors are pure: they render, authorize and classify, but never do I/O themselves. The
 * dispatcher owns the HTTP call (one undici pool per provider base URL), so timeouts, transport
 * error classification and retries are written once, not per channel.
 */
import type { TSchema } from '@sinclair/typebox';
import type {
  AccessTokenFlow,
  Capability,
  Credentials,
  FieldIssue,
  InboundEvent,
  InboundRequest,
  LinkedMedia,
  MaybeSentPolicy,
  MediaLink,
  ProviderRequest,
  ProviderResponse,
  RenderContext,
  RenderResult,
  SendOutcome,
} from '../vocabulary/channel.ts';
import type { LimitTable } from '../vocabulary/limits.ts';
import type { CanonicalMessage, MessageKind } from '../vocabulary/message.ts';

/** Who the channel is: its name, where its provider is, what an account of it holds. */
export interface ChannelIdentity {
  /** Registry name and the `channel` value of a send request. */
  readonly name: string;
  /** Human name for docs. */
  readonly displayName: string;
  /** The real provider's base URL, used in production mode unless OMNIGATE_<NAME>_API_BASE is set. */
  readonly defaultBaseUrl: string;
  /** Schema of the credentials a channel account of this kind holds (POST /v1/channel-accounts). */
  readonly credentialsSchema: TSchema;
  /**
   * Credentials of the built-in sandbox account (the emulator's `credentials`): bootstrap gives them
   * to that account, and the API refuses them for any other account, since they are public.
   */
  readonly sandboxCredentials: Credentials;
  /** Schema of `options.<name>` on a send request, if the channel takes any. */
  readonly optionsSchema?: TSchema;
}

/**
 * What the send rules ask of a channel before anything is stored: capabilities, limits, windows,
 * paces.
 */
export interface ChannelPolicy {
  /** How each canonical kind is carried; drives the capability check and the generated docs table. */
  readonly capabilities: Readonly<Record<MessageKind, Capability>>;
  /** Every limits object the channel enforces, with its notes; docs/limits.md is generated from them. */
  readonly limits: readonly LimitTable[];
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
  /**
   * Rules on media the message only links to (size, type, duration), which the provider applies
   * when it fetches the URL. The core probes each URL `links` names before accepting
   * (core/rules/send/linked-media.ts) and `check` refuses what the provider would, a 422 like
   * `check`'s; a URL that could not be probed comes as `unavailable`, and `check` judges what it
   * can without it (a URL's extension). The same facts reach `render` (`RenderContext.media`), for providers that
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
}

/**
 * Render a message, apply an account's credentials, and read the provider's answer. Pure: the
 * dispatcher owns the HTTP call.
 */
export interface ChannelOutbound {
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

  /** Short-lived access tokens, for channels that use them instead of a static credential. */
  readonly accessToken?: AccessTokenFlow;
}

/** Verify, open, decode and parse a provider's webhook into canonical events. Pure. */
export interface ChannelInbound {
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
}

/**
 * A channel connector: its identity and its three parts. Consumers that need only one part take
 * that part's type, so what each reads of a channel is visible from its signature.
 */
export interface ChannelConnector extends ChannelIdentity, ChannelPolicy, ChannelOutbound, ChannelInbound {}

/**
 * The connectors a gateway runs, by name. The composition root builds it (channels/registry.ts)
 * and hands it to everything that needs a channel, so a gateway built with another set validates
 * and routes against that set.
 */
export type ConnectorRegistry = Readonly<Record<string, ChannelConnector>>;
