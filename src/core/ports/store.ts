/**
 * Storage ports. Core and API code talk to these interfaces only; the embedded SQLite adapter
 * (./sqlite) is one implementation and the PostgreSQL adapter of the scale-out mode is another.
 * Every method takes the tenant id first, and no method reads or writes across tenants.
 *
 * Methods are async even where SQLite is synchronous, so that a networked backend fits the same
 * shape. test/conformance/store.test.ts runs against every adapter.
 */
import type { Degradation, NumberedChoice, ProviderRequest } from '../vocabulary/channel.ts';
import type { MessageStatus } from '../vocabulary/status.ts';
import type { QueueLane } from './queue.ts';

export interface Tenant {
  id: string;
  name: string;
}

/** An account's own delivery limits, over the channel's documented defaults. */
export interface AccountLimits {
  /** Sends per second to the provider. */
  ratePerSecond?: number;
  /** Sends the bucket lets through at once; default: one second's worth. */
  burst?: number;
  /** Sends per second to one recipient. */
  recipientRatePerSecond?: number;
  /** Provider requests in flight at once for this account. */
  concurrency?: number;
}

export interface ChannelAccount {
  id: string;
  tenantId: string;
  channel: string;
  name: string;
  /** Sandbox accounts talk to the built-in emulator. */
  sandbox: boolean;
  limits?: AccountLimits;
  /**
   * The id a vendor's client names this account by (Webex Connect's `appid`), set by the tenant;
   * unique per tenant and channel.
   */
  appId?: string;
  createdAt: string;
}

/** Another account of the tenant on the same channel already has the app id. */
export class AppIdTakenError extends Error {
  constructor(readonly appId: string) {
    super(`another channel account of this channel has the app id '${appId}'`);
    this.name = 'AppIdTakenError';
  }
}

export interface ChannelAccountWithSecrets extends ChannelAccount {
  credentials: Record<string, string>;
}

/** One recipient of an accepted request: one message row each. */
export interface NewRecipient {
  id: string;
  to: string;
  request: ProviderRequest;
  degradations: Degradation[];
  /** Choices shown as numbered text, so that a typed number maps back to a postback. */
  choices?: NumberedChoice[] | undefined;
  /** The contact the recipient was resolved from, when the send named one. */
  contactId?: string | undefined;
  /** Sent with `force` into a conversation an agent owns: recorded on the message and the conversation. */
  forcedInto?: string | undefined;
  /** The contact policy the send asked for and what it found (consent, cap counts). */
  policy?: Record<string, unknown> | undefined;
  /** Not sent before this instant (held by quiet hours). */
  notBefore?: string | undefined;
  /** Short-link codes made for this recipient, stored with the message. */
  smartlinks?: Array<{ code: string; linkId: string; url: string; expiresAt: string }> | undefined;
}

export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  statusCode: number;
  response: unknown;
}

/**
 * One accepted send request: what its recipients share, once, and one entry per recipient. A
 * backend stores it set-based (one row per recipient) in a single transaction.
 */
export interface AcceptBatch {
  tenantId: string;
  acceptedAt: string;
  channel: string;
  channelAccountId: string;
  /** The canonical message as sent (a stored template's, filled). */
  content: unknown;
  /** The stored template it was filled from, if any. */
  template?: { name: string; version: number } | undefined;
  /** The frequency-cap group the messages count against, if the send applied one. */
  policyGroup?: string | undefined;
  /**
   * The cap of `policyGroup`, checked again inside the accept transaction: two sends racing past
   * the check made before it must not both land. Each window counts the contact's messages in
   * the group since `since`, plus this batch's own; over `max` refuses the whole batch.
   */
  capWindows?: Array<{ since: string; max: number }> | undefined;
  /**
   * Refuse the whole batch, writing nothing, when an agent owns the open conversation of any of
   * its recipients on this account: the handover rule checked in the write itself, which on
   * PostgreSQL saves a round trip on every send.
   */
  refuseAgentOwned?: boolean | undefined;
  correlationId?: string | undefined;
  callbackUrl?: string | undefined;
  callbackData?: string | undefined;
  /**
   * The shape the send's own callbackUrl is told in (a vendor façade's notification format, see
   * FACADE_CALLBACK_FORMATS in compat/index.ts); Omnigate's own when absent. Subscriptions always
   * get Omnigate's.
   */
  callbackFormat?: string | undefined;
  /**
   * The events the send's own callbackUrl is told of (core/vocabulary/callback-events.ts); all of
   * them when absent. Subscriptions choose their own.
   */
  callbackEvents?: readonly string[] | undefined;
  expiresAt?: string | undefined;
  /**
   * The dispatch lane of its jobs (QueueLane). Default: `priority` for a single recipient,
   * `bulk` for more.
   */
  lane?: QueueLane | undefined;
  recipients: NewRecipient[];
  /** Stored in the same transaction as the messages; the replayed answer of a repeated request. */
  idempotency?: IdempotencyRecord;
}

export type AcceptResult =
  | { kind: 'accepted' }
  | { kind: 'replay'; record: IdempotencyRecord }
  /** The cap of the batch's group would be exceeded for these contacts (nothing was written). */
  | { kind: 'capped'; contactIds: string[] }
  /** `refuseAgentOwned` and an agent owns a recipient's conversation (nothing was written). */
  | { kind: 'agent_owned' };

export interface StatusEvent {
  status: MessageStatus;
  at: string;
  reason?: string;
  code?: string;
  /** Provider facts of the event (provider message id, attempt number, ...). */
  detail?: Record<string, unknown>;
}

export interface StoredMessage {
  id: string;
  tenantId: string;
  channel: string;
  channelAccountId: string;
  to: string;
  content: unknown;
  request: ProviderRequest;
  degradations: Degradation[];
  status: MessageStatus;
  statusReason?: string;
  providerMessageId?: string;
  attempts: number;
  correlationId?: string;
  callbackUrl?: string;
  callbackData?: string;
  /** The events callbackUrl is told of, or `*` for all; absent without a callbackUrl. */
  callbackEvents?: string[];
  expiresAt?: string;
  contactId?: string;
  template?: { name: string; version: number };
  policy?: Record<string, unknown>;
  /** Sent with `force: true` into a conversation an agent owned. */
  forced?: boolean;
  /** Times it was sent again after an answer that left the outcome unknown (maybe-sent policy). */
  maybeSentResends: number;
  createdAt: string;
  updatedAt: string;
}

/** What the dispatcher needs of a message to send it: the rendered request, not the content. */
export interface DispatchMessage {
  id: string;
  /** The recipient, for per-recipient pacing. */
  to: string;
  request: ProviderRequest;
  expiresAt?: string | undefined;
  /** Resends after an answer that left the outcome unknown, so far (the maybe-sent policy's count). */
  maybeSentResends: number;
}

export interface MessageFilter {
  status?: MessageStatus;
  channel?: string;
  correlationId?: string;
  /** Inclusive lower bound on createdAt (ISO 8601). */
  since?: string;
  /** Exclusive upper bound on createdAt (ISO 8601). */
  until?: string;
  /** Return messages with an id below this one (ids sort by creation time). */
  beforeId?: string;
  limit: number;
}

/**
 * A status change to apply. The store applies it only if it moves the message forward
 * (core/status.ts), and in the same transaction queues the callback delivery, if any.
 */
export interface Transition {
  messageId: string;
  status: MessageStatus;
  at: string;
  reason?: string;
  code?: string;
  providerMessageId?: string;
  detail?: Record<string, unknown>;
  /**
   * The attempt is over: remove the message's dispatch job in the same transaction as the status
   * change (where the queue shares the store), so a message can never be left `sending` with no
   * job to finish it. Applies even when the change itself is not forward.
   */
  finishJob?: boolean;
}

export interface TransitionResult {
  applied: boolean;
  /** Status after the call (unchanged when not applied). */
  status?: MessageStatus;
}

export interface InboundRecord {
  channelAccountId: string;
  providerEventId?: string;
  /** The token a reply to this event may use (LINE), kept for the reply-window check. */
  replyToken?: string;
  kind: string;
  from?: string;
  event: unknown;
  receivedAt: string;
}

export interface StoredInbound extends InboundRecord {
  id: string;
}

/** An outbound status webhook waiting to be delivered (the transactional outbox of callbacks). */
export interface CallbackDelivery {
  id: string;
  /** The status event delivered (`webhook-id`); several deliveries may share it. */
  eventId: string;
  tenantId: string;
  messageId: string;
  /** The webhook subscription it goes to; absent for a send's own `callbackUrl`. */
  endpointId?: string;
  url: string;
  /** The exact bytes to send; signatures are computed over them. */
  payload: string;
  attempts: number;
}

/** A webhook subscription (`POST /v1/webhooks`). */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description?: string;
  /** Event types (`message.delivered`, ...) or `*` for all. */
  events: string[];
  state: 'enabled' | 'disabled';
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** A signing secret; a rotated-out one keeps signing until `expiresAt`. */
export interface EndpointSecret {
  secret: string;
  expiresAt?: string;
}

export interface DeliveryRecord {
  id: string;
  eventId: string;
  messageId: string;
  state: string;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  payload: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookRepository {
  create(
    endpoint: Omit<WebhookEndpoint, 'state' | 'disabledReason' | 'updatedAt'>,
    secret: string,
  ): Promise<void>;
  list(tenantId: string): Promise<WebhookEndpoint[]>;
  get(tenantId: string, id: string): Promise<WebhookEndpoint | undefined>;
  update(
    tenantId: string,
    id: string,
    change: { url?: string; description?: string; events?: string[]; enabled?: boolean },
    at: string,
  ): Promise<WebhookEndpoint | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * What a delivery to the endpoint needs, in one read: whether it takes deliveries, and the
   * secrets still valid at `now`, newest first. Undefined when the endpoint is gone.
   */
  signing(
    tenantId: string,
    id: string,
    now: string,
  ): Promise<(Pick<WebhookEndpoint, 'state' | 'disabledReason'> & { secrets: EndpointSecret[] }) | undefined>;
  /** Adds a new secret; the current ones stay valid until `oldExpireAt`. */
  rotateSecret(tenantId: string, id: string, secret: string, oldExpireAt: string): Promise<boolean>;
  /** Stops deliveries to an endpoint (its receiver answered 410 Gone). */
  disable(id: string, reason: string, at: string): Promise<void>;
  /** The delivery log of an endpoint, newest first. */
  deliveries(
    tenantId: string,
    id: string,
    page: { limit: number; beforeId?: string },
  ): Promise<DeliveryRecord[]>;
  /** Queues chosen (or all in a time range) deliveries of an endpoint again; returns how many. */
  replay(
    tenantId: string,
    id: string,
    filter: { deliveryIds?: string[]; since?: string; until?: string },
    at: string,
  ): Promise<number>;
}

export interface TenantRepository {
  /** Creates the tenant if missing; returns it. */
  ensure(id: string, name: string): Promise<Tenant>;
  addApiKey(tenantId: string, keyHash: string, displayPrefix: string): Promise<void>;
  hasApiKeys(tenantId: string): Promise<boolean>;
  findByApiKeyHash(keyHash: string): Promise<Tenant | undefined>;
  /** Rewrites a key's stored hash (an older format, on its first use since the upgrade). */
  rehashApiKey(tenantId: string, oldHash: string, newHash: string): Promise<void>;
  /** The tenant's callback signing secret, encrypted at rest; created on first use. */
  callbackSecret(tenantId: string, create: () => string): Promise<string>;
  /**
   * Credentials a vendor façade accepts for this tenant (Konnek's Auth-username / Auth-password,
   * Infobip's Basic, Webex Connect's service key, ...). Only a hash of vendor, principal and secret
   * is kept; `credentialHash` is unique per vendor.
   */
  addCompatCredential(tenantId: string, credential: NewCompatCredential): Promise<CompatCredential>;
  listCompatCredentials(tenantId: string): Promise<CompatCredential[]>;
  removeCompatCredential(tenantId: string, id: string): Promise<boolean>;
  findByCompatCredential(vendor: string, credentialHash: string): Promise<Tenant | undefined>;
  /** Rewrites a compat credential's stored hash (an older format, on its first use since the upgrade). */
  rehashCompatCredential(tenantId: string, vendor: string, oldHash: string, newHash: string): Promise<void>;
}

export interface NewCompatCredential {
  id: string;
  vendor: string;
  /** The user name part, where the vendor's style has one (shown in listings). */
  principal: string;
  credentialHash: string;
}

export interface CompatCredential {
  id: string;
  vendor: string;
  principal: string;
  createdAt: string;
}

export interface ChannelAccountRepository {
  create(
    tenantId: string,
    account: Omit<ChannelAccountWithSecrets, 'tenantId' | 'createdAt'>,
  ): Promise<ChannelAccount>;
  list(tenantId: string): Promise<ChannelAccount[]>;
  /** Replaces an account's limits; returns the account, or undefined when there is none. */
  setLimits(tenantId: string, id: string, limits: AccountLimits): Promise<ChannelAccount | undefined>;
  /**
   * Sets (or, with null, removes) an account's app id; returns the account, undefined when there is
   * none. Throws AppIdTakenError when another account of the tenant on that channel has it.
   */
  setAppId(tenantId: string, id: string, appId: string | null): Promise<ChannelAccount | undefined>;
  /** The tenant's account of that channel with that app id. */
  findByAppId(tenantId: string, channel: string, appId: string): Promise<ChannelAccount | undefined>;
  /** Replaces an account's credentials (kept encrypted). */
  setCredentials(tenantId: string, id: string, credentials: Record<string, string>): Promise<void>;
  /** With its credentials decrypted: for the dispatcher, which sends with them. */
  get(tenantId: string, id: string): Promise<ChannelAccountWithSecrets | undefined>;
  /** Without credentials (nothing decrypted): what a send or a check needs to know of an account. */
  find(tenantId: string, id: string): Promise<ChannelAccount | undefined>;
  /**
   * Finds an account by id alone, for provider webhooks, which carry no API key: the unguessable
   * account id in the webhook URL names the tenant, and the provider signature proves the sender.
   */
  findForWebhook(id: string): Promise<ChannelAccountWithSecrets | undefined>;
  /** The account a send without `from` uses: the oldest account of that channel. */
  defaultFor(tenantId: string, channel: string): Promise<ChannelAccount | undefined>;
}

export interface MessageRepository {
  /**
   * Stores the messages, their first status events, their dispatch jobs and the idempotency
   * record in one transaction. If the idempotency key exists already, stores nothing and returns
   * the earlier record.
   */
  accept(batch: AcceptBatch): Promise<AcceptResult>;
  findIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  get(tenantId: string, id: string): Promise<StoredMessage | undefined>;
  events(tenantId: string, id: string): Promise<StatusEvent[]>;
  list(tenantId: string, filter: MessageFilter): Promise<StoredMessage[]>;
  transition(tenantId: string, change: Transition): Promise<TransitionResult>;
  /**
   * Reads claimed messages for dispatch, writing nothing: each with its status, so the dispatcher
   * can tell a fresh attempt from one a crash cut off. Missing messages come back undefined.
   */
  loadForDispatch(
    items: ReadonlyArray<{ tenantId: string; messageId: string }>,
  ): Promise<Array<{ message: DispatchMessage; status: MessageStatus } | undefined>>;
  /**
   * The requests of these claimed messages are about to be written: marks each `sending` (where
   * that is forward) and flags its job's claim as written, in one write, so that a crash from now
   * on leaves the job `interrupted` (the provider may have the message) and a crash before it does
   * not. Returns each message with the status it had before; missing messages come back undefined.
   */
  beginAttempts(
    at: string,
    items: ReadonlyArray<{ tenantId: string; messageId: string; attempt: number }>,
  ): Promise<Array<{ previousStatus: MessageStatus } | undefined>>;
  /**
   * Appends an event that does not change the status (a failed attempt that will be retried, a
   * late provider report), so the event list is also the attempt log.
   */
  note(
    tenantId: string,
    messageId: string,
    event: Omit<StatusEvent, 'status'>,
    options?: {
      /** The note records a resend after an unknown outcome: the message's count goes up by one. */
      maybeSentResend?: boolean;
    },
  ): Promise<void>;
  /** The id of the message a provider knows by `providerMessageId` (what a receipt names). */
  findIdByProviderMessageId(
    tenantId: string,
    channelAccountId: string,
    providerMessageId: string,
  ): Promise<string | undefined>;
  /**
   * Ids of the messages to `recipient` that were sent at or before `sentBy` and are still `sent` or
   * `delivered`: what a watermark receipt (Messenger, Instagram) covers.
   */
  findSentTo(
    tenantId: string,
    channelAccountId: string,
    recipient: string,
    sentBy: string,
  ): Promise<string[]>;
  /**
   * Puts `failed` messages back in the queue (a dead-letter redrive): status `queued` with a
   * `redriven` event and a fresh attempt budget, in one transaction. The one way a status moves
   * back, and only at the caller's request. A message that failed `maybe_sent` (the provider may
   * have it) is requeued only with `includeMaybeSent`: resending it could deliver it twice.
   * Returns the ids requeued; others are skipped.
   */
  redrive(
    tenantId: string,
    messageIds: string[],
    at: string,
    options?: { includeMaybeSent?: boolean },
  ): Promise<string[]>;
  /** The numbered choices of the newest message to `recipient` that had any, if it is that newest. */
  latestChoices(
    tenantId: string,
    channelAccountId: string,
    recipient: string,
  ): Promise<{ messageId: string; choices: NumberedChoice[] } | undefined>;
}

export interface InboundRepository {
  /**
   * Stores events, skipping any whose provider event id was seen before (also earlier in the same
   * call); returns, for each event, when it was first stored: its own `receivedAt` when new, the
   * earlier copy's when a provider redelivers it.
   */
  insert(tenantId: string, events: InboundRecord[]): Promise<string[]>;
  list(tenantId: string, filter: { channelAccountId?: string; limit: number }): Promise<StoredInbound[]>;
  /** When the event that carried a reply token arrived, if the gateway received it. */
  replyTokenReceivedAt(
    tenantId: string,
    channelAccountId: string,
    token: string,
  ): Promise<string | undefined>;
  /**
   * Records the nonce of a signed webhook request for the account until `expiresAt`; false when
   * it is recorded already and unexpired, i.e. the request is a replay. Drops the account's
   * nonces that expired by `now` on the way.
   */
  claimNonce(
    tenantId: string,
    channelAccountId: string,
    nonce: string,
    expiresAt: string,
    now: string,
  ): Promise<boolean>;
  /** Forgets a claimed nonce: its request failed before it was stored, and the provider may retry it. */
  releaseNonce(tenantId: string, channelAccountId: string, nonce: string): Promise<void>;
}

export interface CallbackRepository {
  /** Claims due deliveries, hiding them from other claimers for `leaseMs`. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<CallbackDelivery[]>;
  markDelivered(id: string, statusCode: number): Promise<void>;
  /** Like JobQueue.releaseLeases, for claimed deliveries: due now, for a process that owns the store alone. */
  releaseLeases(now: Date): Promise<number>;
  /** Records a failed attempt; `nextAt` undefined means give up. */
  markFailed(id: string, error: string, nextAt: Date | undefined): Promise<void>;
  list(
    tenantId: string,
    messageId: string,
  ): Promise<Array<CallbackDelivery & { state: string; lastError?: string }>>;
}

/**
 * How a person is reached on one channel. A chat identity (a LINE user id, a PSID) is scoped to a
 * channel account where the provider scopes it (`channelAccountId`); without one it holds for
 * every account of the channel. `phone` and `email` identities are channel-independent.
 */
export interface ContactIdentity {
  channel: string;
  address: string;
  channelAccountId?: string;
}

export interface Contact {
  id: string;
  tenantId: string;
  name?: string;
  attributes: Record<string, string>;
  locale?: string;
  timeZone?: string;
  identities: ContactIdentity[];
  createdAt: string;
  updatedAt: string;
}

export type ContactWrite = Omit<Contact, 'tenantId' | 'createdAt' | 'updatedAt'>;

export interface ContactRepository {
  /** Creates the contact; `conflict` names the identity another contact of the tenant holds. */
  create(tenantId: string, contact: ContactWrite, at: string): Promise<{ conflict?: number }>;
  get(tenantId: string, id: string): Promise<Contact | undefined>;
  list(tenantId: string, page: { limit: number; beforeId?: string }): Promise<Contact[]>;
  /** Replaces what is given; `identities`, when given, replace the whole list. */
  update(
    tenantId: string,
    id: string,
    change: Partial<Omit<ContactWrite, 'id'>>,
    at: string,
  ): Promise<{ contact?: Contact; conflict?: number }>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** The contact an address on a channel account belongs to (account-scoped or channel-wide), if any. */
  contactFor(
    tenantId: string,
    channel: string,
    channelAccountId: string,
    address: string,
  ): Promise<string | undefined>;
  /**
   * The address to reach a contact on a channel through one account: an identity scoped to that
   * account first, then one that holds for the whole channel.
   */
  addressFor(
    tenantId: string,
    contactId: string,
    channel: string,
    channelAccountId: string,
  ): Promise<string | undefined>;
  /**
   * The contact behind an inbound sender, created on first contact; returns its id. The identity
   * is scoped to the account, as providers scope their user ids.
   */
  resolveInbound(
    tenantId: string,
    identity: Required<ContactIdentity>,
    newId: string,
    at: string,
  ): Promise<string>;
}

export type ConversationOwner = 'bot' | 'agent';

export interface Conversation {
  id: string;
  tenantId: string;
  contactId: string;
  channel: string;
  channelAccountId: string;
  /** The contact's address on that account. */
  address: string;
  state: 'open' | 'closed';
  owner?: ConversationOwner;
  agentId?: string;
  lastInboundAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationEvent {
  type: string;
  at: string;
  detail?: Record<string, unknown>;
}

export type ConversationAction =
  | { type: 'assign'; owner: ConversationOwner; agentId?: string }
  | { type: 'release' }
  | { type: 'close' };

export interface ConversationRepository {
  /** The open conversation of a contact on an account, opened if there is none; returns its id. */
  open(
    tenantId: string,
    c: Pick<Conversation, 'contactId' | 'channel' | 'channelAccountId' | 'address'>,
    newId: string,
    at: string,
    inbound: boolean,
  ): Promise<string>;
  get(tenantId: string, id: string): Promise<(Conversation & { events: ConversationEvent[] }) | undefined>;
  list(
    tenantId: string,
    filter: { contactId?: string; state?: string; owner?: string; limit: number; beforeId?: string },
  ): Promise<Conversation[]>;
  /** Applies an action to an open conversation; `refused` says why it cannot be applied. */
  act(
    tenantId: string,
    id: string,
    action: ConversationAction,
    at: string,
  ): Promise<{ conversation?: Conversation; refused?: string }>;
  /** When each of these addresses last wrote to this account (from any of its conversations). */
  lastInbound(tenantId: string, channelAccountId: string, addresses: string[]): Promise<Map<string, string>>;
  /**
   * Of these addresses on this account, those whose open conversation an agent owns. Asked on
   * every send (one call per request), so answered from memory.
   */
  ownedByAgent(
    tenantId: string,
    channelAccountId: string,
    addresses: string[],
  ): Promise<Map<string, Conversation>>;
}

/** A stored template's declared parameter. */
export interface TemplateParameter {
  name: string;
  /** Default true. */
  required?: boolean;
  /** Used when the send gives none. */
  default?: string;
}

export interface StoredTemplate {
  tenantId: string;
  name: string;
  version: number;
  description?: string;
  parameters: TemplateParameter[];
  /** Canonical messages with `{{parameter}}` placeholders, by channel name or `default`. */
  variants: Record<string, unknown>;
  createdAt: string;
}

export interface TemplateRepository {
  /** Stores the next version of the named template; returns it. */
  add(template: Omit<StoredTemplate, 'version' | 'createdAt'>, at: string): Promise<StoredTemplate>;
  /** A version, or the newest. */
  get(tenantId: string, name: string, version?: number): Promise<StoredTemplate | undefined>;
  /** The newest version of each template. */
  list(tenantId: string): Promise<StoredTemplate[]>;
  /** Removes every version. */
  delete(tenantId: string, name: string): Promise<boolean>;
}

export type ConsentPurpose = 'transactional' | 'marketing';
export type ConsentStatus = 'opted_in' | 'opted_out';

export interface Consent {
  /** A channel name, or `*` for every channel. */
  channel: string;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  /** `api`, or `keyword` when the person wrote STOP / START. */
  source: string;
  updatedAt: string;
}

export interface FrequencyCap {
  group: string;
  perDay?: number;
  perWeek?: number;
  perMonth?: number;
}

export interface PolicyRepository {
  /**
   * Records a consent. With `unlessNewer`, leaves a stored one for the same channel and purpose
   * alone when it was updated after `consent.updatedAt`: a provider redelivering an old STOP or
   * START must not undo what came after it.
   */
  setConsent(
    tenantId: string,
    contactId: string,
    consent: Consent,
    options?: { unlessNewer?: boolean },
  ): Promise<void>;
  consents(tenantId: string, contactId: string): Promise<Consent[]>;
  /** The consent that applies on a channel: the channel's own, else the one for every channel. */
  consentFor(
    tenantId: string,
    contactId: string,
    channel: string,
    purpose: ConsentPurpose,
  ): Promise<Consent | undefined>;
  setCap(tenantId: string, cap: FrequencyCap): Promise<void>;
  getCap(tenantId: string, group: string): Promise<FrequencyCap | undefined>;
  listCaps(tenantId: string): Promise<FrequencyCap[]>;
  /** Messages accepted for a contact in a cap group since each of these instants, in one read. */
  countInGroup(tenantId: string, contactId: string, group: string, since: string[]): Promise<number[]>;
}

export interface Link {
  id: string;
  tenantId: string;
  url: string;
  name?: string;
  createdAt: string;
}

export interface LinkClick {
  code: string;
  messageId: string;
  recipient: string;
  at: string;
  userAgent?: string;
}

export interface LinkRepository {
  create(link: Link): Promise<void>;
  get(tenantId: string, id: string): Promise<Link | undefined>;
  list(tenantId: string): Promise<Link[]>;
  clicks(tenantId: string, linkId: string): Promise<LinkClick[]>;
  /**
   * A click on a short link: while the code is valid, records it (a click, a `clicked` event on
   * the message, its callbacks) in one transaction and returns where to go.
   */
  click(
    code: string,
    at: string,
    userAgent: string | undefined,
  ): Promise<{ url: string } | 'expired' | undefined>;
}

export interface Store {
  readonly tenants: TenantRepository;
  readonly channelAccounts: ChannelAccountRepository;
  readonly messages: MessageRepository;
  readonly inbound: InboundRepository;
  readonly callbacks: CallbackRepository;
  readonly webhooks: WebhookRepository;
  readonly contacts: ContactRepository;
  readonly conversations: ConversationRepository;
  readonly templates: TemplateRepository;
  readonly policy: PolicyRepository;
  readonly links: LinkRepository;
  /** True when the backend answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
