/**
 * Accepting a send: everything that can be refused is refused here, before anything is stored;
 * what passes is rendered for the provider and stored together with its dispatch job and its
 * idempotency record in one transaction (MessageRepository.accept). Nothing is half-written.
 */
import { checkCanonicalMessage } from './message-rules.ts';
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { FieldIssue } from '../channels/types.ts';
import { newId, newUuid } from '../lib/ids.ts';
import type { IdempotencyRecord, NewRecipient, Store } from '../store/types.ts';
import { AppError, validationError } from './errors.ts';
import { fingerprint } from './idempotency.ts';
import type { CanonicalMessage } from './message.ts';

export interface SendCommand {
  channel: string;
  from?: string | undefined;
  to: string | string[];
  message: CanonicalMessage;
  options?: Record<string, unknown> | undefined;
  correlationId?: string | undefined;
  callbackUrl?: string | undefined;
  callbackData?: string | undefined;
  expiresAt?: string | undefined;
}

export interface SendOutcome {
  statusCode: number;
  body: { messages: Array<{ id: string; to: string; status: 'queued' }>; correlationId?: string };
  replayed: boolean;
  messageIds: string[];
}

export interface SendDeps {
  store: Store;
  connectors: ConnectorRegistry;
  now: () => Date;
}

const ROUTE = 'POST /v1/messages';

export async function sendMessage(
  deps: SendDeps,
  tenantId: string,
  command: SendCommand,
  idempotencyKey?: string,
): Promise<SendOutcome> {
  const print = idempotencyKey ? fingerprint(ROUTE, command) : '';
  if (idempotencyKey) {
    const earlier = await deps.store.messages.findIdempotency(tenantId, idempotencyKey);
    if (earlier) return replay(earlier, print);
  }

  const connector = deps.connectors[command.channel];
  if (!connector) {
    throw validationError(
      [{ pointer: '/channel', rule: 'enum', detail: `unknown channel '${command.channel}'` }],
      'GW_CHANNEL_UNKNOWN',
    );
  }
  const capability = connector.capabilities[command.message.type];
  if (capability.support === 'refused') {
    throw validationError(
      [
        {
          pointer: '/message/type',
          rule: 'channel_capability',
          detail: `${connector.displayName} cannot carry a ${command.message.type} message: ${capability.reason}`,
        },
      ],
      'GW_CAPABILITY',
    );
  }

  const recipients = Array.isArray(command.to) ? command.to : [command.to];
  const issues: FieldIssue[] = checkCanonicalMessage(command.message);
  // Channel limits read fields the canonical rules just found missing, so they wait for those.
  if (issues.length === 0) issues.push(...connector.check(command.message));
  recipients.forEach((to, i) => {
    const problem = connector.checkRecipient(to);
    if (problem) {
      issues.push({
        pointer: Array.isArray(command.to) ? `/to/${i}` : '/to',
        rule: 'recipient',
        detail: problem,
      });
    }
  });
  const now = deps.now();
  if (command.expiresAt && Number.isNaN(Date.parse(command.expiresAt))) {
    // RFC 3339 allows a leap second (…T23:59:60Z) that JavaScript dates cannot represent.
    issues.push({
      pointer: '/expiresAt',
      rule: 'format',
      detail: 'is not an instant this server can represent',
    });
  } else if (command.expiresAt && Date.parse(command.expiresAt) <= now.getTime()) {
    issues.push({
      pointer: '/expiresAt',
      rule: 'future',
      detail: 'is already past; the message would never be sent',
    });
  }
  if (issues.length > 0) throw validationError(issues);

  const account = command.from
    ? await deps.store.channelAccounts.get(tenantId, command.from)
    : await deps.store.channelAccounts.defaultFor(tenantId, command.channel);
  if (!account || account.channel !== command.channel) {
    throw validationError(
      [
        {
          pointer: command.from ? '/from' : '/channel',
          rule: 'channel_account',
          detail: command.from
            ? `no ${command.channel} channel account '${command.from}'`
            : `no ${command.channel} channel account; create one with POST /v1/channel-accounts`,
        },
      ],
      'GW_CHANNEL_ACCOUNT_UNKNOWN',
    );
  }

  const channelOptions = command.options?.[command.channel] as Record<string, unknown> | undefined;
  const rendered: NewRecipient[] = recipients.map((to) => {
    const { request, degradations } = connector.render(command.message, {
      to,
      retryKey: newUuid(),
      ...(channelOptions ? { options: channelOptions } : {}),
    });
    return { id: newId('msg'), to, request, degradations };
  });

  const body: SendOutcome['body'] = {
    messages: rendered.map((m) => ({ id: m.id, to: m.to, status: 'queued' as const })),
    ...(command.correlationId ? { correlationId: command.correlationId } : {}),
  };
  const idempotency: IdempotencyRecord | undefined = idempotencyKey
    ? { key: idempotencyKey, fingerprint: print, statusCode: 202, response: body }
    : undefined;
  const result = await deps.store.messages.accept({
    tenantId,
    acceptedAt: now.toISOString(),
    channel: command.channel,
    channelAccountId: account.id,
    content: command.message,
    correlationId: command.correlationId,
    callbackUrl: command.callbackUrl,
    callbackData: command.callbackData,
    expiresAt: command.expiresAt,
    recipients: rendered,
    ...(idempotency ? { idempotency } : {}),
  });
  // A concurrent request with the same key committed first: answer as it did.
  if (result.kind === 'replay') return replay(result.record, print);
  return { statusCode: 202, body, replayed: false, messageIds: rendered.map((m) => m.id) };
}

function replay(earlier: IdempotencyRecord, print: string): SendOutcome {
  if (earlier.fingerprint !== print) {
    throw new AppError(
      'GW_IDEMPOTENCY_MISMATCH',
      'This Idempotency-Key was used with a different request body; use a new key for a new request.',
      [{ pointer: '', rule: 'idempotency', detail: 'body differs from the first request with this key' }],
    );
  }
  return {
    statusCode: earlier.statusCode,
    body: earlier.response as SendOutcome['body'],
    replayed: true,
    messageIds: [],
  };
}
