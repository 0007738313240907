/**
 * POST /v1/messages/preview: what a send would put on the wire, per channel, without storing or
 * sending anything. It runs the send's request rules and linked-media probe (rules/send/) and its
 * renderers (prepare-send.ts), then
 * applies what the account the send would go through adds that is no secret (Viber's sender), so
 * the preview is the request as sent, its secrets left as placeholders or out.
 */

import { type LinkedMediaDeps, withVideoPreview } from './linked-media.ts';
import type { ChannelConnector } from './ports/channel.ts';
import {
  type RenderedRecipient,
  recipientsOf,
  renderForRecipients,
  type SendContent,
} from './prepare-send.ts';
import {
  capabilityRefusal,
  type Decided,
  linkedMedia,
  previewRules,
  runSendRules,
} from './rules/send/index.ts';
import { type SendDeps, usableAccount } from './send-message.ts';
import type { Degradation, FieldIssue } from './vocabulary/channel.ts';
import { AppError, validationError } from './vocabulary/errors.ts';

/** Stands in for the recipient when the preview names none. */
export const PLACEHOLDER_RECIPIENT = '{recipient}';

export type PreviewContent = Omit<SendContent, 'channel' | 'to'> & {
  channel?: string | undefined;
  to?: string | string[] | undefined;
  from?: string | undefined;
};

export type PreviewDeps = Pick<SendDeps, 'store' | 'connectors' | 'refuseSandboxAccounts' | 'now'> &
  LinkedMediaDeps;

export interface ChannelPreview {
  channel: string;
  support: 'native' | 'degraded' | 'refused' | 'invalid';
  reason?: string;
  errors?: FieldIssue[];
  /** The channel account the send would go through, whose settings the requests show. */
  account?: string;
  recipients: RenderedRecipient[];
}

/**
 * One channel: answered like a send would be (a refusal is the same 4xx). Every channel: each
 * channel's verdict side by side, refusals included, so the answer is a comparison table.
 */
export async function previewMessage(
  deps: PreviewDeps,
  tenantId: string,
  content: PreviewContent,
): Promise<ChannelPreview[]> {
  const now = deps.now();
  if (content.channel !== undefined) {
    const connector = deps.connectors[content.channel];
    if (!connector) throw new AppError('GW_CHANNEL_UNKNOWN', `Unknown channel '${content.channel}'`);
    // Exactly the send's request rules, so the answer is the send's own 4xx: a kind the channel
    // cannot carry and its limits a 422, the request's own problems a 400.
    await checkRequest(
      connector,
      forChannelOf(connector, content, deps).content,
      now,
      content.to !== undefined,
    );
    const account = await accountOf(deps, tenantId, connector.name, content.from);
    if (content.from !== undefined && account?.id !== content.from) {
      throw validationError(
        [
          {
            pointer: '/from',
            rule: 'channel_account',
            detail: `no ${connector.name} channel account '${content.from}'`,
          },
        ],
        'GW_CHANNEL_ACCOUNT_UNKNOWN',
      );
    }
    return [asSent(connector, await previewOne(connector, content, now, deps, true), account)];
  }
  return Promise.all(
    Object.values(deps.connectors).map(async (connector) => {
      const preview = await previewOne(connector, content, now, deps);
      if (preview.recipients.length === 0) return preview;
      // Side by side, a channel whose send would be refused for its account (a sandbox account
      // in production) is still compared, as rendered.
      const account = await accountOf(deps, tenantId, connector.name, content.from).catch((e: unknown) => {
        if (e instanceof AppError) return undefined;
        throw e;
      });
      return asSent(connector, preview, account);
    }),
  );
}

async function previewOne(
  connector: ChannelConnector,
  content: PreviewContent,
  now: Date,
  deps: LinkedMediaDeps,
  /** One channel asked for: its refusals are the answer, as on a send. */
  rethrow = false,
): Promise<ChannelPreview> {
  const base = { channel: connector.name, recipients: [] };
  const refusal = capabilityRefusal(connector, content.message);
  if (refusal) return { ...base, support: 'refused', reason: refusal.detail };
  const forChannel = forChannelOf(connector, content, deps);
  // A placeholder is no address; recipients are checked only when the caller gave them.
  let probed: Decided;
  try {
    await checkRequest(connector, forChannel.content, now, content.to !== undefined);
    // As a send: the linked media is probed once the request's shape has passed.
    probed = await runSendRules([linkedMedia], ruleView(forChannel.content), connector, deps, () => now);
  } catch (e) {
    if (!(e instanceof AppError) || rethrow) throw e;
    return { ...base, support: 'invalid', errors: e.issues };
  }
  const notes = [...forChannel.degradations, ...probed.mediaNotes];
  const recipients = renderForRecipients(connector, forChannel.content, probed.media).map((r) =>
    notes.length > 0 ? { ...r, degradations: [...notes, ...r.degradations] } : r,
  );
  const degraded = recipients.some((r) => r.degradations.length > 0);
  return { ...base, support: degraded ? 'degraded' : 'native', recipients };
}

/** The send's request rules; a preview that names no recipient has none to check. */
async function checkRequest(
  connector: ChannelConnector,
  content: SendContent,
  now: Date,
  withRecipients: boolean,
): Promise<void> {
  await runSendRules(previewRules(withRecipients), ruleView(content), connector, {}, () => now);
}

/** The request as the send rules see it; a preview has no callback to check. */
function ruleView(content: SendContent) {
  return {
    channel: content.channel,
    to: content.to,
    recipients: recipientsOf(content),
    message: content.message,
    options: content.options,
    expiresAt: content.expiresAt,
  };
}

interface PreviewAccount {
  id: string;
  credentials: Record<string, string>;
}

/**
 * The account a send on this channel would use: `from` when it is one of this channel's, else the
 * channel's default. Undefined when the tenant has none (the send would be refused for that).
 */
async function accountOf(
  deps: PreviewDeps,
  tenantId: string,
  channel: string,
  from: string | undefined,
): Promise<PreviewAccount | undefined> {
  const named = from === undefined ? undefined : await deps.store.channelAccounts.find(tenantId, from);
  const chosen = await usableAccount(deps, tenantId, {
    channel,
    from: named?.channel === channel ? from : undefined,
  });
  if (chosen === undefined || chosen.channel !== channel) return undefined;
  const withSecrets = await deps.store.channelAccounts.get(tenantId, chosen.id);
  return withSecrets && { id: withSecrets.id, credentials: withSecrets.credentials };
}

/** The requests with what the account adds that is no secret; secrets stay placeholders or out. */
function asSent(
  connector: ChannelConnector,
  preview: ChannelPreview,
  account: PreviewAccount | undefined,
): ChannelPreview {
  if (account === undefined) return preview;
  const { withAccount } = connector;
  return {
    ...preview,
    account: account.id,
    recipients: withAccount
      ? preview.recipients.map((r) => ({ ...r, request: withAccount(r.request, account.credentials) }))
      : preview.recipients,
  };
}

/** The content as this channel would take it, with the placeholder preview a send would give. */
function forChannelOf(
  connector: ChannelConnector,
  content: PreviewContent,
  deps: LinkedMediaDeps = {},
): { content: SendContent; degradations: Degradation[] } {
  const preview = withVideoPreview(connector, content.message, deps.videoPreviewUrl);
  return {
    content: {
      ...content,
      message: preview.message,
      channel: connector.name,
      to: content.to ?? PLACEHOLDER_RECIPIENT,
    },
    degradations: preview.degradation ? [preview.degradation] : [],
  };
}
