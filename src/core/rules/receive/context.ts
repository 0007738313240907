/**
 * What the receive steps share. A webhook is first read (`Reading`: is it the provider's, what does
 * it say), then what it says is recorded (`Recording`, dated once). Each step names in its own
 * signature the fields and store methods it uses, so its unit test builds only those.
 */
import type { ChannelInbound } from '../../ports/channel.ts';
import type {
  ChannelAccountWithSecrets,
  ContactRepository,
  ConversationRepository,
  InboundRepository,
  MessageRepository,
  PolicyRepository,
} from '../../ports/store.ts';
import type { InboundEvent, InboundRequest } from '../../vocabulary/channel.ts';

/** The part of the store receiving a webhook uses. */
export interface ReceiveStore {
  readonly inbound: Pick<InboundRepository, 'claimNonce' | 'releaseNonce' | 'insert'>;
  readonly contacts: Pick<ContactRepository, 'resolveInbound'>;
  readonly conversations: Pick<ConversationRepository, 'open'>;
  readonly policy: Pick<PolicyRepository, 'setConsent'>;
  readonly messages: Pick<
    MessageRepository,
    'latestChoices' | 'findIdByProviderMessageId' | 'findSentTo' | 'transition'
  >;
}

/** Words that opt a person out of (stop) or back into (start) marketing on the channel. */
export interface ConsentKeywords {
  stop: string[];
  start: string[];
}

/** A webhook while it is read: any step may refuse it. */
export interface Reading {
  readonly channel: ChannelInbound;
  readonly account: ChannelAccountWithSecrets;
  readonly request: InboundRequest;
  readonly store: ReceiveStore;
  readonly now: () => Date;
  /** The bytes to decode: the raw body, or what the channel unsealed from it. */
  body: Buffer;
  decoded: unknown;
  events: InboundEvent[];
  /** Set once the request's nonce is claimed: forgets it again if the request then fails. */
  releaseNonce?: () => Promise<void>;
}

/** The events of a webhook while they are recorded. */
export interface Recording {
  readonly account: ChannelAccountWithSecrets;
  readonly store: ReceiveStore;
  readonly events: readonly InboundEvent[];
  /** When the gateway received the events: what every record of this webhook is dated. */
  readonly receivedAt: string;
  readonly keywords: ConsentKeywords;
  /** How long a receipt waits for the message it names to be committed. */
  readonly receiptRaceMs: number;
  /** The contact of each sender, by address. */
  contactIds: Map<string, string>;
  /** For each event, when it was first stored: now, or an earlier copy's time for a redelivery. */
  firstStoredAt: readonly string[];
}

/**
 * One step. Steps in a group are started together, in order, and awaited together: each issues its
 * store writes before its first await, so the writes share one group commit.
 */
export type ReceiveStep<C> = (context: C) => void | Promise<void>;
export type ReceiveStage<C> = ReceiveStep<C> | readonly ReceiveStep<C>[];
