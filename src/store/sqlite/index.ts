/**
 * The embedded backend: one SQLite file holds records, the dispatch queue and the callback outbox,
 * so accepting and enqueuing are one local transaction.
 */
import type { CallbackPayloads } from '../../core/callbacks.ts';
import type { JobQueue } from '../../core/ports/queue.ts';
import type { Store } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { createCallbackRepository } from './callbacks.ts';
import { createChannelAccountRepository } from './channel-accounts.ts';
import { createContactRepository } from './contacts.ts';
import { createConversationRepository } from './conversations.ts';
import { type OpenOptions, openDatabase } from './database.ts';
import { GroupCommitter } from './group-commit.ts';
import { createInboundRepository } from './inbound.ts';
import { createLinkRepository } from './links.ts';
import { createMessageRepository } from './messages.ts';
import { createPolicyRepository } from './policy.ts';
import { createSqliteQueue } from './queue.ts';
import { createTemplateRepository } from './templates.ts';
import { createTenantRepository } from './tenants.ts';
import { createWebhookRepository } from './webhooks.ts';
import type { WriteTurns } from './write-turns.ts';

export interface Backend {
  store: Store;
  queue: JobQueue;
  /**
   * Drops what this connection remembers of a tenant's webhook subscriptions, after another
   * connection to the same file changed them (the dispatch thread's, runtime.ts).
   */
  forgetWebhooks(tenantId: string): void;
}

export interface SqliteBackendOptions extends OpenOptions {
  secrets: SecretBox;
  /** Builds the callback bodies the store queues with each status change (runtime.ts composes it). */
  callbackPayloads: CallbackPayloads;
  /**
   * Set when another connection of this process writes the same file: commits take turns with it
   * through these, and never wait in SQLite's busy handler (group-commit.ts).
   */
  writeTurns?: WriteTurns;
  /** Told, after the commit, of each tenant whose subscriptions this connection changed. */
  onWebhooksChanged?: (tenantId: string) => void;
}

export function createSqliteBackend(options: SqliteBackendOptions): Backend {
  const shared = options.writeTurns !== undefined;
  const db = openDatabase(shared ? { ...options, busyTimeoutMs: 0 } : options);
  const writer = new GroupCommitter(db, undefined, shared, options.writeTurns);
  const webhooks = createWebhookRepository(db, writer, options.secrets, options.onWebhooksChanged);
  const conversations = createConversationRepository(db, writer);
  const messages = createMessageRepository(
    db,
    writer,
    webhooks.subscribers,
    conversations.agentOwnsAny,
    options.callbackPayloads,
  );
  const store: Store = {
    tenants: createTenantRepository(db, writer, options.secrets),
    channelAccounts: createChannelAccountRepository(db, writer, options.secrets),
    messages,
    inbound: createInboundRepository(db, writer),
    callbacks: createCallbackRepository(db, writer),
    webhooks: webhooks.repository,
    contacts: createContactRepository(db, writer),
    conversations,
    templates: createTemplateRepository(db, writer),
    policy: createPolicyRepository(db, writer),
    links: createLinkRepository(db, writer, messages.recordClicked),
    async ping() {
      return db.prepare('SELECT 1 AS ok').get() !== undefined;
    },
    async close() {
      // Let writes already handed to the group committer finish before closing the file.
      await writer.run(() => undefined);
      db.close();
    },
  };
  return { store, queue: createSqliteQueue(db, writer), forgetWebhooks: webhooks.forget };
}
