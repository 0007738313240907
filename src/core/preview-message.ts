/**
 * POST /v1/messages/preview: what a send would put on the wire, per channel, without storing or
 * sending anything. It runs exactly the checks and renderers a send runs (prepare-send.ts), then
 * applies what the account the send would go through adds that is no secret (Viber's sender), so
 * the preview is the request as sent, its secrets left as placeholders or out.
 */
import type { ChannelConnector, FieldIssue } from '../channels/types.ts';
import { AppError, validationError } from './errors.ts';
import {
  capabilityRefusal,
  checkForChannel,
  type RenderedRecipient,
  renderForRecipients,
  type SendContent,
} from './prepare-send.ts';
import { type SendDeps, usableAccount } from './send-message.ts';

/** Stands in for the recipient when the preview names none. */
export const PLACEHOLDER_RECIPIENT = '{recipient}';

export type PreviewContent = Omit<SendContent, 'channel' | 'to'> & {
  channel?: string | undefined;
  to?: string | string[] | undefined;
  from?: string | undefined;
};

export type PreviewDeps = Pick<SendDeps, 'store' | 'connectors' | 'refuseSandboxAccounts' | 'now'>;

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
    // Exactly the send's checks, refusal first, so the answer is the send's own 4xx.
    const refusal = capabilityRefusal(connector, content.message);
    if (refusal) throw validationError([refusal], 'GW_CAPABILITY');
    // Channel limits throw their own 422 here, as on a send; the request's own problems are a 400.
    const errors = checkForChannel(connector, forChannelOf(connector, content), now, {
      recipients: content.to !== undefined,
    });
    if (errors.length > 0) throw validationError(errors);
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
    return [asSent(connector, previewOne(connector, content, now), account)];
  }
  return Promise.all(
    Object.values(deps.connectors).map(async (connector) => {
      const preview = previewOne(connector, content, now);
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

function previewOne(connector: ChannelConnector, content: PreviewContent, now: Date): ChannelPreview {
  const base = { channel: connector.name, recipients: [] };
  const refusal = capabilityRefusal(connector, content.message);
  if (refusal) return { ...base, support: 'refused', reason: refusal.detail };
  const forChannel = forChannelOf(connector, content);
  // A placeholder is no address; recipients are checked only when the caller gave them.
  let errors: FieldIssue[];
  try {
    errors = checkForChannel(connector, forChannel, now, { recipients: content.to !== undefined });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    errors = e.issues;
  }
  if (errors.length > 0) return { ...base, support: 'invalid', errors };
  const recipients = renderForRecipients(connector, forChannel);
  const degraded = recipients.some((r) => r.degradations.length > 0);
  return { ...base, support: degraded ? 'degraded' : 'native', recipients };
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

function forChannelOf(connector: ChannelConnector, content: PreviewContent): SendContent {
  return { ...content, channel: connector.name, to: content.to ?? PLACEHOLDER_RECIPIENT };
}
