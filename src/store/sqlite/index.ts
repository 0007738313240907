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

export interface Backend {
  store: Store;
  queue: JobQueue;
}

export interface SqliteBackendOptions extends OpenOptions {
  secrets: SecretBox;
  /** Builds the callback bodies the store queues with each status change (runtime.ts composes it). */
  callbackPayloads: CallbackPayloads;
}

export function createSqliteBackend(options: SqliteBackendOptions): Backend {
  const db = openDatabase(options);
  const writer = new GroupCommitter(db);
  const webhooks = createWebhookRepository(db, writer, options.secrets);
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
  return { store, queue: createSqliteQueue(db, writer) };
}
