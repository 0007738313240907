/**
 * Accepting a send: everything that can be refused is refused here, before anything is stored;
 * what passes is rendered for the provider and stored together with its dispatch job and its
 * idempotency record in one transaction (MessageRepository.accept). Nothing is half-written.
 */
import { newId } from '../lib/ids.ts';
import type { DestinationGuard } from '../lib/ssrf-guard.ts';
import { applyPolicy, type SendPolicy } from './contact-policy.ts';
import { fillTemplate } from './fill-template.ts';
import { fingerprint } from './idempotency.ts';
import { type LinkedMediaDeps, probeLinkedMedia, withVideoPreview } from './linked-media.ts';
import type { ChannelConnector, ConnectorRegistry } from './ports/channel.ts';
import type { IdempotencyRecord, NewRecipient, Store } from './ports/store.ts';
import {
  channelOptions,
  checkForChannel,
  recipientPointer,
  recipientsOf,
  renderForRecipients,
} from './prepare-send.ts';
import { checkLinkPlaceholders, DEFAULT_VALIDITY_S, fillLinks, newLinkCode } from './smartlinks.ts';
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
  expiresAt?: string | undefined;
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
  let content = { ...command, to, message: links ? fillLinks(message, links.urls(0)) : message };

  const issues = checkForChannel(connector, content, deps.now());
  const refused = command.callbackUrl && deps.destinationGuard?.urlRefusal(command.callbackUrl);
  if (refused) issues.push({ pointer: '/callbackUrl', rule: 'public_address', detail: refused });
  if (issues.length > 0) throw validationError(issues);
  // After the checks that need no I/O, so a request refused for its shape costs no probe.
  const probed = await probeLinkedMedia(connector, content, deps.probeMedia);
  const mediaNotes = [...(preview.degradation ? [preview.degradation] : []), ...probed.degradations];

  await checkSessionWindow(deps, tenantId, connector, account.id, content);
  // A forced send records the conversations it goes into, so it reads them first; any other send
  // leaves the handover rule to the accept itself (refuseAgentOwned), which costs no extra read.
  const force = command.force === true;
  const owned = force
    ? await agentOwnedConversations(deps, tenantId, account.id, content.to, true)
    : new Map<string, string>();
  const applied = command.policy
    ? await applyPolicy(
        deps.store,
        tenantId,
        command.policy,
        { channel: command.channel, channelAccountId: account.id, to, contactId },
        deps.now(),
      )
    : undefined;
  // A reply held for quiet hours goes out later than now: its token must still be good then.
  const heldUntil = [...(applied?.recipients.values() ?? [])]
    .map((r) => r.notBefore)
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
  const staleToken = await checkReplyWindow(
    deps,
    tenantId,
    connector,
    account.id,
    content.options,
    heldUntil,
  );
  if (staleToken) content = { ...content, options: staleToken.options };
  const perRecipient = links
    ? recipientsOf(content).flatMap((r, i) =>
        renderForRecipients(
          connector,
          { ...content, to: r, message: fillLinks(message, links.urls(i)) },
          probed.media,
        ).map((x) => ({
          ...x,
          smartlinks: links.codes(i),
        })),
      )
    : renderForRecipients(connector, content, probed.media);
  const held = command.failAfterAccept
    ? new Date(deps.now().getTime() + FAIL_AFTER_ACCEPT_HOLD_MS).toISOString()
    : undefined;
  const rendered: NewRecipient[] = perRecipient.map((r) => ({
    id: newId('msg'),
    ...r,
    degradations: [
      ...(command.degradations ?? []),
      ...(staleToken ? [staleToken.degradation] : []),
      ...mediaNotes,
      ...r.degradations,
    ],
    contactId: contactId ?? applied?.recipients.get(r.to)?.contactId,
    forcedInto: owned.get(r.to),
    policy: applied?.recipients.get(r.to)?.record,
    notBefore: held ?? applied?.recipients.get(r.to)?.notBefore,
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
    policyGroup: command.policy?.applyFrequencyCap ? command.policy.group : undefined,
    capWindows: applied?.capWindows,
    correlationId: command.correlationId,
    callbackUrl: command.callbackUrl,
    callbackData: command.callbackData,
    callbackFormat: command.callbackFormat,
    expiresAt: command.expiresAt ?? defaultExpiry(deps, command.channel, now),
    refuseAgentOwned: !force,
    recipients: rendered,
    ...(idempotency ? { idempotency } : {}),
  });
  // A concurrent request with the same key committed first: answer as it did.
  if (result.kind === 'replay') return replay(result.record, print);
  if (result.kind === 'agent_owned') {
    // Read which, to name each recipient; an agent who let go in the meantime leaves nothing to
    // refuse, and the send is tried again from the start, once: a conversation changing hands
    // faster than that is refused as owned, naming no recipient.
    await agentOwnedConversations(deps, tenantId, account.id, content.to, false);
    if (handoverRetries > 0) return sendMessage(deps, tenantId, command, idempotencyKey, handoverRetries - 1);
    throw validationError(
      [
        {
          pointer: '/to',
          rule: 'conversation_owned_by_agent',
          detail:
            'a conversation of these recipients changed hands while the request was accepted; send again, or with "force": true to override',
        },
      ],
      'GW_CONVERSATION_OWNED',
    );
  }
  // A concurrent send took the last of a contact's cap between the check above and the write.
  if (result.kind === 'capped') {
    const capped = new Set(result.contactIds);
    throw new AppError(
      'GW_POLICY_REJECTED',
      'The contact policy rejects the send',
      rendered.flatMap((r, i) =>
        r.contactId && capped.has(r.contactId)
          ? [
              {
                pointer: recipientPointer(to, i),
                rule: 'frequency_cap',
                detail: `a concurrent send reached the ${command.policy?.group} cap for contact ${r.contactId}`,
              },
            ]
          : [],
      ),
    );
  }
  if (command.failAfterAccept) await failAccepted(deps, tenantId, rendered, command.failAfterAccept);
  return { statusCode: 202, body, replayed: false };
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

/**
 * The conversations an agent owns among these recipients, by address. Without `force` any one of
 * them refuses the whole request (nothing is stored); with it they are returned, to be recorded.
 */
async function agentOwnedConversations(
  deps: SendDeps,
  tenantId: string,
  accountId: string,
  to: string | string[],
  force: boolean,
): Promise<Map<string, string>> {
  const owned = new Map<string, string>();
  const issues: FieldIssue[] = [];
  const recipients = recipientsOf({ to });
  const byAddress = await deps.store.conversations.ownedByAgent(tenantId, accountId, recipients);
  if (byAddress.size === 0) return owned;
  for (const [i, address] of recipients.entries()) {
    const conversation = byAddress.get(address);
    if (!conversation) continue;
    owned.set(address, conversation.id);
    issues.push({
      pointer: recipientPointer(to, i),
      rule: 'conversation_owned_by_agent',
      detail: `conversation ${conversation.id} is handled by an agent${conversation.agentId ? ` (${conversation.agentId})` : ''}; send with "force": true to override`,
    });
  }
  if (issues.length > 0 && !force) throw validationError(issues, 'GW_CONVERSATION_OWNED');
  return owned;
}

/**
 * The channel's customer-service window (WhatsApp, Messenger 24 h; WeChat 48 h): a free-form
 * message to someone whose last message here is older than that is refused before it is queued,
 * as the provider would refuse it. Without a record of the person writing in, the provider decides.
 */
async function checkSessionWindow(
  deps: SendDeps,
  tenantId: string,
  connector: ChannelConnector,
  accountId: string,
  content: {
    to: string | string[];
    message: CanonicalMessage;
    options?: Record<string, unknown> | undefined;
  },
): Promise<void> {
  const window = connector.sessionWindow;
  const options = channelOptions(connector, content.options);
  if (!window || window.allowedOutside(content.message, options)) return;
  const recipients = recipientsOf(content);
  const last = await deps.store.conversations.lastInbound(tenantId, accountId, recipients);
  if (last.size === 0) return;
  const opensAfter = deps.now().getTime() - window.hours * 3_600_000;
  const issues: FieldIssue[] = [];
  recipients.forEach((address, i) => {
    const at = last.get(address);
    if (at === undefined || Date.parse(at) >= opensAfter) return;
    issues.push({
      pointer: recipientPointer(content.to, i),
      rule: 'session_window',
      detail: `the person last wrote at ${at}; outside ${connector.displayName}'s ${window.hours}-hour window ${window.outside} may be sent`,
    });
  });
  if (issues.length > 0) throw validationError(issues, 'GW_SESSION_WINDOW');
}

/**
 * A reply token older than the provider accepts (LINE's reply API) is refused before queuing, or,
 * when the send allows it, dropped so the message goes as a push; the degradation says so. Its age
 * is taken at `heldUntil` when quiet hours hold the message. A token the gateway never received (it
 * came from elsewhere) is passed on as given. A reply that waits longer than that in the queue
 * (a long rate-limit backlog) is refused by the provider and fails with its reason.
 */
async function checkReplyWindow(
  deps: SendDeps,
  tenantId: string,
  connector: ChannelConnector,
  accountId: string,
  options: Record<string, unknown> | undefined,
  heldUntil: string | undefined,
): Promise<{ options: Record<string, unknown>; degradation: Degradation } | undefined> {
  const window = connector.replyWindow;
  const own = channelOptions(connector, options);
  const token = window?.tokenOf(own);
  if (!window || !own || token === undefined) return undefined;
  const receivedAt = await deps.store.inbound.replyTokenReceivedAt(tenantId, accountId, token);
  if (receivedAt === undefined) return undefined;
  const now = deps.now().getTime();
  const sendAt = Math.max(now, heldUntil ? Date.parse(heldUntil) : now);
  const ageMs = sendAt - Date.parse(receivedAt);
  if (ageMs <= window.validForMs) return undefined;
  const when =
    sendAt > now
      ? `it would be ${Math.round(ageMs / 1000)} s old when quiet hours end at ${new Date(sendAt).toISOString()}`
      : `${Math.round(ageMs / 1000)} s ago`;
  const why = `the reply token came with an event at ${receivedAt}, ${when}; ${connector.displayName} accepts one for about ${window.validForMs / 1000} s`;
  if (!window.fallbackAllowed(own)) {
    throw validationError(
      [
        {
          pointer: window.pointer,
          rule: 'reply_token_expired',
          detail: `${why}. Send without it (a push), or set replyTokenFallback: "push"`,
        },
      ],
      'GW_SESSION_WINDOW',
    );
  }
  return {
    options: { ...options, [connector.name]: window.withoutToken(own) },
    degradation: { pointer: window.pointer, from: 'reply', to: 'push', rule: `reply_token_expired: ${why}` },
  };
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

function defaultExpiry(deps: SendDeps, channel: string, now: Date): string | undefined {
  const ttl = deps.defaultTtlSeconds?.[channel];
  return ttl === undefined ? undefined : new Date(now.getTime() + ttl * 1000).toISOString();
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
