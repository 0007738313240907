/**
 * Accepting a send: everything that can be refused is refused here, before anything is stored.
 * The request is resolved (account, contact, template, short links), then the send rules run in
 * their declared order (rules/send/index.ts); what passes is rendered for the provider and stored
 * together with its dispatch job and its idempotency record in one transaction
 * (MessageRepository.accept), which repeats the checks a concurrent send could defeat (handover,
 * frequency caps). Nothing is half-written.
 */
import { newId } from '../lib/ids.ts';
import type { DestinationGuard } from '../lib/ssrf-guard.ts';
import { fillTemplate } from './fill-template.ts';
import { fingerprint } from './idempotency.ts';
import { type LinkedMediaDeps, withVideoPreview } from './linked-media.ts';
import type { ConnectorRegistry } from './ports/channel.ts';
import type { QueueLane } from './ports/queue.ts';
import type { IdempotencyRecord, NewRecipient, Store } from './ports/store.ts';
import { recipientsOf, renderForRecipients } from './prepare-send.ts';
import {
  changedHandsRefusal,
  concurrentCapRefusal,
  ownedConversationsRefusal,
  runSendRules,
  SEND_RULES,
  type SendPolicy,
  type SendPorts,
  type SendUnderCheck,
} from './rules/send/index.ts';
import { checkLinkPlaceholders, DEFAULT_VALIDITY_S, fillLinks, newLinkCode } from './smartlinks.ts';
import { DEFAULT_CALLBACK_EVENTS } from './vocabulary/callback-events.ts';
import type { Degradation, FieldIssue } from './vocabulary/channel.ts';
import { AppError, validationError } from './vocabulary/errors.ts';
import type { CanonicalMessage, SendableMessage } from './vocabulary/message.ts';

export interface SendCommand {
  channel: string;
  from?: string | undefined;
  /** Provider addresses, or a contact whose identity on the channel is looked up. */
  to: string | string[] | { contactId: string };
  message: SendableMessage;
  /** Send even into conversations an agent owns. */
  force?: boolean | undefined;
  /** Contact policy to apply: consent, frequency cap. */
  policy?: SendPolicy | undefined;
  /** Stored links for `{{link_N}}`, each with how long its short URLs stay valid (seconds). */
  smartlinks?: Array<{ linkId: string; validity?: number | undefined }> | undefined;
  options?: Record<string, unknown> | undefined;
  correlationId?: string | undefined;
  callbackUrl?: string | undefined;
  callbackData?: string | undefined;
  /** A vendor façade's notification shape for callbackUrl (compat/index.ts FACADE_CALLBACK_FORMATS). */
  callbackFormat?: string | undefined;
  /**
   * The events callbackUrl is told of (`message.sent`, ..., `*` for all); DEFAULT_CALLBACK_EVENTS
   * when absent. A façade names `*`: its vendor's shape already leaves out what the vendor does
   * not notify.
   */
  callbackEvents?: string[] | undefined;
  expiresAt?: string | undefined;
  /**
   * The dispatch lane: `transactional` jobs are claimed before any `bulk` one. Default:
   * transactional for one recipient, bulk for more.
   */
  priority?: 'transactional' | 'bulk' | undefined;
  /** Recorded on every message before the renderer's own: a façade's ignored request fields. */
  degradations?: Degradation[] | undefined;
  /**
   * Accepted, then failed by the gateway itself and never sent: a vendor façade whose vendor
   * answers such a request as queued and fails it through a notification (Webex Connect's
   * deprecated templates). The jobs are held so that no worker claims them in between.
   */
  failAfterAccept?: { code: string; reason: string } | undefined;
}

/** Long enough that no worker claims a job the send itself fails right after the accept. */
const FAIL_AFTER_ACCEPT_HOLD_MS = 3_600_000;

/** What POST /v1/messages answers (and a replay of it), for the native route and each façade. */
export interface SendAnswer {
  statusCode: number;
  body: { messages: Array<{ id: string; to: string; status: 'queued' }>; correlationId?: string };
  replayed: boolean;
}

export interface SendDeps extends LinkedMediaDeps {
  store: Store;
  connectors: ConnectorRegistry;
  now: () => Date;
  /** Per channel, how long a message without `expiresAt` may wait (OMNIGATE_<CHANNEL>_DEFAULT_TTL_SECONDS). */
  defaultTtlSeconds?: Record<string, number | undefined>;
  /** Where Omnigate is reached, for the short URLs of smart links. */
  publicUrl?: () => string;
  /** Refuses a callbackUrl that is a non-public address literal (names are checked on delivery). */
  destinationGuard?: DestinationGuard;
  /**
   * Production mode: accounts made in sandbox mode hold the emulators' public credentials and are
   * never sent through (see `usableAccount`).
   */
  refuseSandboxAccounts?: boolean;
}

const ROUTE = 'POST /v1/messages';

export async function sendMessage(
  deps: SendDeps,
  tenantId: string,
  command: SendCommand,
  idempotencyKey?: string,
  /** Tries left after the accept refuses for an agent the read before it no longer finds. */
  handoverRetries = 1,
): Promise<SendAnswer> {
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
  const account = await usableAccount(deps, tenantId, command);
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

  // A contact is addressed through its identity on this channel and account.
  const contactId =
    typeof command.to === 'object' && !Array.isArray(command.to) ? command.to.contactId : undefined;
  const to =
    contactId === undefined
      ? (command.to as string | string[])
      : await contactAddress(deps, tenantId, contactId, command.channel, account.id);
  const resolved = await resolveMessage(deps, tenantId, command);
  const { template } = resolved;
  const preview = withVideoPreview(connector, resolved.message, deps.videoPreviewUrl);
  const message = preview.message;
  const links = await resolveSmartlinks(deps, tenantId, command, message, to);
  // Checked with the first recipient's short URLs: every recipient's are the same length.
  const content = { ...command, to, message: links ? fillLinks(message, links.urls(0)) : message };
  const send: SendUnderCheck = {
    channel: command.channel,
    to,
    recipients: recipientsOf(content),
    message: content.message,
    options: command.options,
    expiresAt: command.expiresAt,
    callbackUrl: command.callbackUrl,
    tenantId,
    accountId: account.id,
    contactId,
    force: command.force === true,
    policy: command.policy,
  };
  const decided = await runSendRules(SEND_RULES, send, connector, rulePorts(deps), () => deps.now());
  const rendering = { ...content, options: decided.options };
  const perRecipient = links
    ? recipientsOf(rendering).flatMap((r, i) =>
        renderForRecipients(
          connector,
          { ...rendering, to: r, message: fillLinks(message, links.urls(i)) },
          decided.media,
        ).map((x) => ({
          ...x,
          smartlinks: links.codes(i),
        })),
      )
    : renderForRecipients(connector, rendering, decided.media);
  const notes = [
    ...decided.notes,
    ...(preview.degradation ? [preview.degradation] : []),
    ...decided.mediaNotes,
  ];
  const held = command.failAfterAccept
    ? new Date(deps.now().getTime() + FAIL_AFTER_ACCEPT_HOLD_MS).toISOString()
    : undefined;
  // One rendered request per recipient, in the order of the recipients the rules decided for.
  const rendered: NewRecipient[] = perRecipient.map((r, i) => ({
    id: newId('msg'),
    ...r,
    degradations: [...(command.degradations ?? []), ...notes, ...r.degradations],
    contactId: contactId ?? decided.recipients[i]?.contactId,
    forcedInto: decided.recipients[i]?.forcedInto,
    policy: decided.recipients[i]?.policy,
    notBefore: held ?? decided.recipients[i]?.notBefore,
  }));

  const now = deps.now();
  const body: SendAnswer['body'] = {
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
    // With smart links, the shared content keeps its {{link_N}}; each provider request has its own URLs.
    content: message,
    template,
    policyGroup: decided.accept.policyGroup,
    capWindows: decided.accept.capWindows,
    correlationId: command.correlationId,
    callbackUrl: command.callbackUrl,
    callbackData: command.callbackData,
    callbackFormat: command.callbackFormat,
    callbackEvents: command.callbackUrl ? (command.callbackEvents ?? DEFAULT_CALLBACK_EVENTS) : undefined,
    expiresAt: decided.expiresAt,
    lane: laneOf(command.priority, rendered.length),
    refuseAgentOwned: decided.accept.refuseAgentOwned,
    recipients: rendered,
    ...(idempotency ? { idempotency } : {}),
  });
  // A concurrent request with the same key committed first: answer as it did.
  if (result.kind === 'replay') return replay(result.record, print);
  if (result.kind === 'agent_owned') {
    // Read which, to name each recipient; an agent who let go in the meantime leaves nothing to
    // refuse, and the send is tried again from the start, once: a conversation changing hands
    // faster than that is refused as owned, naming no recipient.
    const owned = await ownedConversationsRefusal(deps.store, send);
    if (owned) throw owned;
    if (handoverRetries > 0) return sendMessage(deps, tenantId, command, idempotencyKey, handoverRetries - 1);
    throw changedHandsRefusal();
  }
  // A concurrent send took the last of a contact's cap between the check above and the write.
  if (result.kind === 'capped') {
    throw concurrentCapRefusal(
      send,
      rendered.map((r) => r.contactId),
      result.contactIds,
    );
  }
  if (command.failAfterAccept) await failAccepted(deps, tenantId, rendered, command.failAfterAccept);
  return { statusCode: 202, body, replayed: false };
}

/** The queue lane of a send: as asked, else priority for a single recipient and bulk for a batch. */
function laneOf(priority: SendCommand['priority'], recipients: number): QueueLane {
  if (priority) return priority === 'transactional' ? 'priority' : 'bulk';
  return recipients === 1 ? 'priority' : 'bulk';
}

/** Fails accepted messages and ends their held jobs; each failure is told to the callbacks. */
async function failAccepted(
  deps: SendDeps,
  tenantId: string,
  accepted: readonly NewRecipient[],
  failure: { code: string; reason: string },
): Promise<void> {
  const at = deps.now().toISOString();
  await Promise.all(
    accepted.map((m) =>
      deps.store.messages.transition(tenantId, {
        messageId: m.id,
        status: 'failed',
        at,
        code: failure.code,
        reason: failure.reason,
        finishJob: true,
      }),
    ),
  );
}

/** Short-link codes and URLs for every recipient, after checking the links and placeholders. */
async function resolveSmartlinks(
  deps: SendDeps,
  tenantId: string,
  command: SendCommand,
  message: CanonicalMessage,
  to: string | string[],
): Promise<
  | {
      urls: (recipient: number) => string[];
      codes: (recipient: number) => Array<{ code: string; linkId: string; url: string; expiresAt: string }>;
    }
  | undefined
> {
  const entries = command.smartlinks;
  const placeholderIssues = checkLinkPlaceholders(message, entries?.length ?? 0);
  if (placeholderIssues.length > 0) throw validationError(placeholderIssues);
  if (!entries || entries.length === 0) return undefined;
  const issues: FieldIssue[] = [];
  const targets: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const link = await deps.store.links.get(tenantId, entry.linkId);
    if (!link)
      issues.push({ pointer: `/smartlinks/${i}/linkId`, rule: 'link', detail: `no link ${entry.linkId}` });
    targets.push(link?.url ?? '');
  }
  if (issues.length > 0) throw validationError(issues);
  const base = deps.publicUrl?.() ?? '';
  const now = deps.now().getTime();
  const count = recipientsOf({ to }).length;
  const codes = Array.from({ length: count }, () =>
    entries.map((entry, i) => ({
      code: newLinkCode(),
      linkId: entry.linkId,
      url: targets[i] ?? '',
      expiresAt: new Date(now + (entry.validity ?? DEFAULT_VALIDITY_S) * 1000).toISOString(),
    })),
  );
  return {
    codes: (r) => codes[r] ?? [],
    urls: (r) => (codes[r] ?? []).map((c) => `${base}/l/${c.code}`),
  };
}

/** The canonical message to send: the one given, or a stored template filled for the channel. */
async function resolveMessage(
  deps: SendDeps,
  tenantId: string,
  command: SendCommand,
): Promise<{ message: CanonicalMessage; template?: { name: string; version: number } }> {
  const m = command.message;
  if (m.type !== 'stored_template') return { message: m };
  const stored = await deps.store.templates.get(tenantId, m.template, m.version);
  if (!stored) {
    throw validationError([
      {
        pointer: m.version === undefined ? '/message/template' : '/message/version',
        rule: 'template',
        detail: `no template ${m.template}${m.version === undefined ? '' : ` version ${m.version}`}`,
      },
    ]);
  }
  const filled = fillTemplate(stored, command.channel, m.parameters);
  if ('issues' in filled) throw validationError(filled.issues);
  return { message: filled.message, template: { name: stored.name, version: stored.version } };
}

/**
 * The account a send goes through. In production mode a sandbox account left from sandbox mode on
 * the same data is refused, naming it: its credentials are public and its base URL was the
 * emulator. The channel's default skips it for the tenant's own account when there is one.
 */
export async function usableAccount(
  deps: Pick<SendDeps, 'store' | 'refuseSandboxAccounts'>,
  tenantId: string,
  command: Pick<SendCommand, 'channel' | 'from'>,
) {
  const accounts = deps.store.channelAccounts;
  const account = command.from
    ? await accounts.find(tenantId, command.from)
    : await accounts.defaultFor(tenantId, command.channel);
  if (!account?.sandbox || !deps.refuseSandboxAccounts || account.channel !== command.channel) return account;
  if (!command.from) {
    const own = (await accounts.list(tenantId)).find((a) => a.channel === command.channel && !a.sandbox);
    if (own) return own;
  }
  const detail = `'${account.id}' (${account.name}) is a sandbox account, made in sandbox mode with the emulator's public credentials; production mode sends nothing through it. Create a ${command.channel} account with your provider credentials (POST /v1/channel-accounts)${command.from ? ' and send from it' : ''}`;
  throw validationError(
    [{ pointer: command.from ? '/from' : '/channel', rule: 'sandbox_account', detail }],
    'GW_SANDBOX_ACCOUNT',
  );
}

async function contactAddress(
  deps: SendDeps,
  tenantId: string,
  contactId: string,
  channel: string,
  accountId: string,
): Promise<string> {
  const address = await deps.store.contacts.addressFor(tenantId, contactId, channel, accountId);
  if (address !== undefined) return address;
  const exists = (await deps.store.contacts.get(tenantId, contactId)) !== undefined;
  throw validationError(
    [
      {
        pointer: '/to/contactId',
        rule: exists ? 'contact_identity' : 'contact',
        detail: exists
          ? `contact ${contactId} has no ${channel} identity for this channel account; add one with PATCH /v1/contacts/${contactId}`
          : `no contact ${contactId}`,
      },
    ],
    'GW_CONTACT_UNREACHABLE',
  );
}

/** What the send rules read through: the store's own reads, and the deps they need. */
function rulePorts(deps: SendDeps): SendPorts {
  const { store } = deps;
  return {
    conversations: store.conversations,
    inbound: store.inbound,
    contacts: store.contacts,
    policy: store.policy,
    probeMedia: deps.probeMedia,
    destinationGuard: deps.destinationGuard,
    defaultTtlSeconds: deps.defaultTtlSeconds,
  };
}

function replay(earlier: IdempotencyRecord, print: string): SendAnswer {
  if (earlier.fingerprint !== print) {
    throw new AppError(
      'GW_IDEMPOTENCY_MISMATCH',
      'This Idempotency-Key was used with a different request body; use a new key for a new request.',
      [{ pointer: '', rule: 'idempotency', detail: 'body differs from the first request with this key' }],
    );
  }
  return {
    statusCode: earlier.statusCode,
    body: earlier.response as SendAnswer['body'],
    replayed: true,
  };
}
