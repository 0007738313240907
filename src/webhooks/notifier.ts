/**
 * Delivers status callbacks from the durable outbox (callback_deliveries). A delivery is claimed
 * with a lease, POSTed with Standard Webhooks headers (a fresh timestamp and signature on every
 * try, the same webhook-id), and retried on a growing schedule with jitter until it succeeds or
 * the schedule runs out. Redirects are not followed: a 3xx is a failure, as Standard Webhooks asks.
 */

import type { CallbackDelivery, Store } from '../core/ports/store.ts';
import { crashPoint } from '../lib/crash-points.ts';
import { FORBIDDEN_DESTINATION, type HttpClient, TransportError } from '../lib/http.ts';
import type { Logger } from '../lib/log.ts';
import { Outage } from '../lib/outage.ts';
import { PollingWorker } from '../lib/polling-worker.ts';
import { eventSequence } from './formats/native.ts';
import { signatureHeaders } from './sign.ts';

/** Seconds before each retry; jittered by up to 20%. */
export const CALLBACK_RETRY_SCHEDULE_S = [5, 30, 120, 600, 1800, 3600, 7200, 14_400];

/**
 * Deliveries in flight at once by default: enough that the outbox drains as fast as a busy gateway
 * writes it (each delivery mostly waits on its receiver). The callbacks' HTTP client keeps at least
 * as many connections per origin (runtime.ts), so no delivery waits for one.
 */
export const NOTIFIER_CONCURRENCY = 128;

/** The least time between two claims while the outbox keeps being drained, however often kicked. */
const MIN_CLAIM_GAP_MS = 10;

/**
 * A claim's order, in which its deliveries start: one message's in the order of its events. Plain
 * comparisons: this runs for every claim, and a locale collator cost microseconds per comparison.
 */
const inEventOrder = (a: CallbackDelivery, b: CallbackDelivery): number =>
  a.messageId === b.messageId
    ? eventSequence(a.id) - eventSequence(b.id)
    : a.messageId < b.messageId
      ? -1
      : 1;

export interface NotifierOptions {
  store: Store;
  http: HttpClient;
  log: Logger;
  now?: () => Date;
  idleMs?: number;
  leaseMs?: number;
  concurrency?: number;
  schedule?: number[];
}

export class Notifier extends PollingWorker {
  private readonly secrets = new Map<string, Promise<string>>();
  private readonly now: () => Date;
  /** A store that is gone is logged when it goes and comes back, not at every poll. */
  private readonly outage: Outage;
  /** Whether kick() said new work may be due since the loop last claimed. */
  private kicked = false;
  /** The last attempt begun for each message and URL (inTurn). */
  private readonly lastAttempt = new Map<string, Promise<void>>();

  constructor(private readonly o: NotifierOptions) {
    super();
    this.now = o.now ?? (() => new Date());
    this.outage = new Outage('store (callback outbox)', o.log, 'no callback is delivered until it is back');
  }

  override kick(): void {
    this.kicked = true;
    super.kick();
  }

  /**
   * Deliveries run in independent slots: a slow endpoint holds one slot (for at most the request
   * deadline), never the loop, so other endpoints' callbacks keep flowing.
   *
   * Slots are refilled in batches, so that one claim statement serves many callbacks: refilling
   * each slot as it freed ran the claim once per callback, a tenth of the process's time under
   * load. The loop claims when half the slots are free; and once a claim has emptied the outbox
   * (it brought fewer than asked), it waits for the next poll or a kick, not for a slot to free.
   */
  protected async run(): Promise<void> {
    const slots = this.o.concurrency ?? NOTIFIER_CONCURRENCY;
    const refill = Math.max(1, Math.floor(slots / 2));
    const idleMs = this.o.idleMs ?? 200;
    while (this.isRunning) {
      const free = slots - this.busy;
      if (free < refill) {
        // Woken by a slot that frees, or by the poll.
        await this.sleep(idleMs);
        continue;
      }
      let batch: CallbackDelivery[] = [];
      this.kicked = false;
      try {
        batch = await this.o.store.callbacks.claimDue(this.now(), free, this.o.leaseMs ?? 60_000);
        this.outage.up();
      } catch (error) {
        this.outage.down(error);
      }
      batch.sort(inEventOrder);
      for (const d of batch) this.occupy(this.inTurn(d));
      // A full claim may have left more due: go on as soon as slots free.
      if (batch.length === free) continue;
      await this.drained(idleMs);
    }
  }

  /** Waits after a claim that emptied the outbox: until the poll is due, or kicked (not before the gap). */
  private async drained(idleMs: number): Promise<void> {
    const due = Date.now() + idleMs;
    await new Promise((r) => setTimeout(r, Math.min(idleMs, MIN_CLAIM_GAP_MS)));
    while (this.isRunning && !this.kicked && Date.now() < due) await this.sleep(due - Date.now());
  }

  /**
   * The delivery, once the one before it of the same message to the same URL has been answered.
   * Different messages' callbacks go at once; one message's statuses reach a receiver in the order
   * they happened, even when the first needs a new connection and the next finds one open (a
   * vendor's client, such as Webex Connect's, reads them in the order they arrive). A delivery
   * that fails does not hold the next back beyond its own attempt.
   */
  private inTurn(d: CallbackDelivery): Promise<void> {
    const key = `${d.messageId}\u0000${d.url}`;
    const before = this.lastAttempt.get(key);
    const mine = before === undefined ? this.attempt(d) : before.then(() => this.attempt(d));
    this.lastAttempt.set(key, mine);
    const forget = () => {
      if (this.lastAttempt.get(key) === mine) this.lastAttempt.delete(key);
    };
    void mine.then(forget, forget);
    return mine;
  }

  /** One try of a delivery; whatever goes wrong is recorded against it, so it cannot loop forever. */
  private async attempt(d: CallbackDelivery): Promise<void> {
    try {
      crashPoint('before_callback');
      await this.deliver(d);
    } catch (error) {
      this.o.log.error({ err: error, deliveryId: d.id }, 'callback delivery failed');
      await this.o.store.callbacks
        .markFailed(
          d.id,
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
          this.nextTry(d),
        )
        .catch(() => undefined);
    }
  }

  /** webhook-id is the event id (stable per status change), so retries share it. */
  private async deliver(d: CallbackDelivery): Promise<void> {
    const secrets = await this.secretsFor(d);
    if (typeof secrets === 'string') {
      await this.o.store.callbacks.markFailed(d.id, secrets, undefined);
      return;
    }
    const headers = signatureHeaders(secrets, d.eventId, d.payload, this.now());
    let error: string;
    try {
      const res = await this.o.http.post(
        d.url,
        { ...headers, 'user-agent': 'Omnigate-Webhooks/1' },
        d.payload,
      );
      if (res.status >= 200 && res.status < 300) {
        await this.o.store.callbacks.markDelivered(d.id, res.status);
        return;
      }
      if (res.status === 410) {
        // Gone: the receiver asks us to stop. A subscription is disabled, not retried.
        if (d.endpointId) {
          await this.o.store.webhooks.disable(
            d.endpointId,
            'the endpoint answered 410 Gone',
            this.now().toISOString(),
          );
        }
        await this.o.store.callbacks.markFailed(d.id, 'HTTP 410: gone', undefined);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof TransportError ? `${e.code}: ${e.message}` : String(e);
      // The address will not become public by waiting: no retries.
      if (e instanceof TransportError && e.code === FORBIDDEN_DESTINATION) {
        await this.o.store.callbacks.markFailed(d.id, error, undefined);
        return;
      }
    }
    await this.o.store.callbacks.markFailed(d.id, error, this.nextTry(d));
  }

  /** When to try again after this attempt, or undefined when the schedule is used up. */
  private nextTry(d: CallbackDelivery): Date | undefined {
    const delayS = (this.o.schedule ?? CALLBACK_RETRY_SCHEDULE_S)[d.attempts - 1];
    return delayS === undefined
      ? undefined
      : new Date(this.now().getTime() + delayS * 1000 * (1 + Math.random() * 0.2));
  }

  /** The secrets to sign with, or why the delivery cannot go at all. */
  private async secretsFor(d: CallbackDelivery): Promise<string[] | string> {
    if (!d.endpointId) return [await this.secretFor(d.tenantId)];
    const endpoint = await this.o.store.webhooks.signing(d.tenantId, d.endpointId, this.now().toISOString());
    if (!endpoint) return 'the webhook endpoint was deleted';
    if (endpoint.state !== 'enabled')
      return `the webhook endpoint is disabled: ${endpoint.disabledReason ?? ''}`;
    return endpoint.secrets.map((s) => s.secret);
  }

  /** Cached as a promise, so the first burst of deliveries reads the secret once, not once each. */
  private secretFor(tenantId: string): Promise<string> {
    let secret = this.secrets.get(tenantId);
    if (!secret) {
      secret = this.o.store.tenants.callbackSecret(tenantId, () => {
        throw new Error('tenant has no callback secret');
      });
      secret.catch(() => this.secrets.delete(tenantId));
      this.secrets.set(tenantId, secret);
    }
    return secret;
  }
}
