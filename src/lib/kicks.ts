/**
 * Wake-ups between processes. In one process the API kicks the dispatcher directly after an
 * accept; an `omnigate api` process has no dispatcher, so with Redis it publishes the kick and
 * every `omnigate worker` subscribed wakes at once instead of at its next poll. Kicks are hints:
 * a lost one costs at most one poll interval, never a message (workers poll regardless).
 */
import { Redis } from 'ioredis';

export interface KickChannel {
  /** Coalesced: many accepts in one turn of the event loop send one message. */
  publish(withCallbacks: boolean): void;
  subscribe(onKick: (withCallbacks: boolean) => void): Promise<void>;
  close(): Promise<void>;
}

export function redisKicks(
  url: string,
  prefix: string,
  onError: (error: Error) => void = () => undefined,
  /** A connection is (back) up: with onError, what an outage log needs. */
  onReady: () => void = () => undefined,
): KickChannel {
  const channel = `${prefix}kick`;
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  publisher.on('error', onError);
  publisher.on('ready', onReady);
  let subscriber: Redis | undefined;
  let pending: 'plain' | 'callbacks' | undefined;
  return {
    publish(withCallbacks) {
      const first = pending === undefined;
      if (withCallbacks) pending = 'callbacks';
      else pending ??= 'plain';
      if (!first) return;
      setImmediate(() => {
        const message = pending ?? 'plain';
        pending = undefined;
        // A failed publish is a delayed wake-up, not a lost message: the workers poll anyway.
        publisher.publish(channel, message).catch(() => undefined);
      });
    },
    async subscribe(onKick) {
      subscriber = new Redis(url, { maxRetriesPerRequest: null });
      subscriber.on('error', onError);
      subscriber.on('ready', onReady);
      subscriber.on('message', (_from: string, message: string) => onKick(message === 'callbacks'));
      // Not awaited: with Redis down the worker must still start and poll; ioredis subscribes
      // once it connects.
      subscriber.subscribe(channel).catch(onError);
    },
    async close() {
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
